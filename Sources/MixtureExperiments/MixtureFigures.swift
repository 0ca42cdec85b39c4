import Adversarial
import Datasets
import Reporting
import TensorCore

/// A row kind of a 2D table or figure (`MethodVariant`, `HybridVariant`): what a run's
/// config is an instance of, and its label.
public protocol MixtureVariant: Equatable {
    init(of config: MixtureRunConfig)
    var label: String { get }
}

extension MethodVariant: MixtureVariant {}
extension HybridVariant: MixtureVariant {}

/// The figures of chapter 4's 2D experiments, drawn from the runs' results.
public enum MixtureFigures {
    /// Fig. 4.3's analogue: one scatter panel of generated points (orange) over real points
    /// (grey) per snapshot iteration (rows) and dataset × method (columns), from the seed-0
    /// run of each. Missing runs leave blank cells.
    public static func scatterGrid<Variant: MixtureVariant>(_ results: [MixtureRunResult], variants: [Variant],
                                                            datasets: [String], panelSize: Int = 220) throws -> FigureGrid {
        let seedZero = results.filter { $0.config.seed == 0 }
        let iterations = Array(Set(seedZero.flatMap { $0.extras.map(\.iteration) })).sorted()
        let columns = datasets.flatMap { dataset in variants.map { (dataset, $0) } }
        var grid = try FigureGrid(rows: max(iterations.count, 1), columns: columns.count,
                                  title: "Generated (orange) over real (grey) samples",
                                  rowTitles: iterations.isEmpty ? [] : iterations.map { "\($0) it" },
                                  columnTitles: columns.map { "\($0.0): \($0.1.label)" })
        grid.textScale = 1
        for (column, (dataset, variant)) in columns.enumerated() {
            guard let run = seedZero.first(where: { $0.config.dataset == dataset && Variant(of: $0.config) == variant })
            else { continue }
            let mixture = try run.config.makeMixture()
            var random = RandomStream(seed: 1234)
            let real = try mixture.sample(count: 1_000, random: &random)
            let extent = Double(mixture.centerScalars.map { Swift.abs($0) }.max() ?? 1) * 1.5 + 0.5
            for (row, iteration) in iterations.enumerated() {
                guard let snapshot = run.extras.first(where: { $0.iteration == iteration }) else { continue }
                var plot = ScatterPlot(xAxis: PlotAxis(label: "", limits: -extent...extent),
                                       yAxis: PlotAxis(label: "", limits: -extent...extent), legend: .none)
                try plot.add("", points: real, color: Color(hex: 0x9E9E9E), radius: 1.5, opacity: 0.5)
                try plot.add("", points: Tensor(shape: [snapshot.points.count / 2, 2], scalars: snapshot.points),
                             color: Color(hex: 0xE66100), radius: 1.5, opacity: 0.6)
                try grid.set(row: row, column: column, plot.render(width: panelSize, height: panelSize))
            }
        }
        return grid
    }

    /// Fig. 4.2's analogue: discriminator (top row) and generator (bottom row) losses of
    /// BGAN against iterations, one curve per γ, one column per dataset (seed-0 runs).
    public static func lossCurves(_ results: [MixtureRunResult], gammas: [Float], datasets: [String],
                                  method: MethodVariant = MethodVariant(.bgan)) throws -> FigureGrid {
        var grid = try FigureGrid(rows: 2, columns: datasets.count, title: "\(method.method.entry.name) losses for several γ",
                                  rowTitles: ["discriminator", "generator"], columnTitles: datasets)
        grid.textScale = 1
        for (column, dataset) in datasets.enumerated() {
            for (row, network) in ["discriminator", "generator"].enumerated() {
                var plot = LinePlot(title: "", xAxis: PlotAxis(label: "iteration"),
                                    yAxis: PlotAxis(label: "\(network) loss"), legend: .topRight)
                for (index, gamma) in gammas.enumerated() {
                    let variant = MethodVariant(method.method, gamma: gamma)
                    guard let run = results.first(where: {
                        $0.config.seed == 0 && $0.config.dataset == dataset && MethodVariant(of: $0.config) == variant
                    }), let series = run.history["\(network).loss"], !series.values.isEmpty else { continue }
                    let x = series.iterations.map(Double.init)
                    let y = series.values
                    try plot.add("γ = \(gamma)", x: x, y: y, color: .series(index), width: 1.5)
                }
                try grid.set(row: row, column: column, plot.render(width: 420, height: 300))
            }
        }
        return grid
    }
}
