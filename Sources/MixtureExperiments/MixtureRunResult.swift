import ExperimentRuns
import Foundation

/// What a finished 2D run reports (`result.json`): its mode-coverage metrics, timing, the
/// named loss curves (`discriminator.loss`, `generator.loss`) and, as extras, the generated
/// points kept for the Fig. 4.3 scatter plots.
public typealias MixtureRunResult = RunResult<MixtureRunConfig, MixtureMetrics, [PointSnapshot]>

/// The mode-coverage metrics of spec §7.7 on `samples` generated points.
public struct MixtureMetrics: RunMetrics {
    public static var runKind: String { "a 2D run" }

    public var modes: Int
    public var modesTotal: Int
    public var hqFraction: Double
    /// KL of the high-quality histogram to uniform, nats; `nil` when no sample was high
    /// quality (the KL is then undefined, reported as `inf` in tables).
    public var reverseKL: Double?
    public var samples: Int

    public init(modes: Int, modesTotal: Int, hqFraction: Double, reverseKL: Double?, samples: Int) {
        self.modes = modes
        self.modesTotal = modesTotal
        self.hqFraction = hqFraction
        self.reverseKL = reverseKL
        self.samples = samples
    }
}

/// Generated points `[x₀, y₀, x₁, y₁, …]` after `iteration` generator updates.
public struct PointSnapshot: Codable, Equatable, Sendable {
    public var iteration: Int
    public var points: [Float]

    public init(iteration: Int, points: [Float]) {
        self.iteration = iteration
        self.points = points
    }
}
