/// One named metric over training: its values and the iterations they belong to.
public struct MetricSeries: Codable, Equatable, Sendable {
    public var iterations: [Int] = []
    public var values: [Double] = []

    public init(iterations: [Int] = [], values: [Double] = []) {
        self.iterations = iterations
        self.values = values
    }

    public var last: Double? { values.last }
}

/// Named metric series of a run (`discriminator.loss`, `flow.bits_per_dim`, `fid`, …): any
/// number of them, written to result files and read by the figures by name.
public struct MetricHistory: Codable, Equatable, Sendable {
    public private(set) var series: [String: MetricSeries] = [:]

    public init() {}

    public var names: [String] { series.keys.sorted() }

    public subscript(name: String) -> MetricSeries? { series[name] }

    /// Appends `value` at `iteration` to the series `name`.
    public mutating func append(_ name: String, iteration: Int, value: Double) {
        series[name, default: MetricSeries()].iterations.append(iteration)
        series[name, default: MetricSeries()].values.append(value)
    }
}

/// The open averaging window of per-iteration metrics: each metric is summed (Float64) over
/// the iterations since the window last closed; every `every` iterations the means go into
/// the history. Saved in checkpoints so a resumed run's curves are the same.
public struct MetricWindow: Codable, Equatable, Sendable {
    var sums: [String: Double] = [:]
    var counts: [String: Int] = [:]

    public init() {}

    /// Adds one iteration's metrics; at a multiple of `every`, closes the window into `history`.
    public mutating func record(_ metrics: [String: Float], iteration: Int, every: Int, into history: inout MetricHistory) {
        for (name, value) in metrics {
            sums[name, default: 0] += Double(value)
            counts[name, default: 0] += 1
        }
        guard iteration % every == 0 else { return }
        for name in sums.keys.sorted() {
            history.append(name, iteration: iteration, value: sums[name]! / Double(counts[name]!))
        }
        sums = [:]
        counts = [:]
    }
}
