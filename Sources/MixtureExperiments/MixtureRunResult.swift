import ExperimentRuns
import Foundation

/// What a finished 2D run reports: its metrics, timing, loss curves and the generated
/// points kept for the scatter plots. Written as `result.json` in the run's folder.
public struct MixtureRunResult: Codable, Equatable, Sendable {
    /// `completed`, or `diverged` when a loss became NaN or infinite (see `message`).
    public typealias Status = RunStatus

    public var name: String
    public var config: MixtureRunConfig
    public var status: Status
    /// Why a diverged run stopped.
    public var message: String?
    /// Generator updates done.
    public var iterations: Int
    public var metrics: MixtureMetrics
    /// Training wall time (all sessions of a resumed run), without evaluation.
    public var seconds: Double
    public var secondsPerIteration: Double
    public var history: [LossRecord]
    public var snapshots: [PointSnapshot]

    public init(name: String, config: MixtureRunConfig, status: Status, message: String?, iterations: Int,
                metrics: MixtureMetrics, seconds: Double, secondsPerIteration: Double, history: [LossRecord],
                snapshots: [PointSnapshot]) {
        self.name = name
        self.config = config
        self.status = status
        self.message = message
        self.iterations = iterations
        self.metrics = metrics
        self.seconds = seconds
        self.secondsPerIteration = secondsPerIteration
        self.history = history
        self.snapshots = snapshots
    }
}

/// The mode-coverage metrics of spec §7.7 on `samples` generated points.
public struct MixtureMetrics: Codable, Equatable, Sendable {
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

extension MixtureRunResult: RunResultFile {
    public static var runKind: String { "a 2D run" }
}
