import ExperimentRuns
import Foundation

/// What a finished image run reports: its metrics, timing, loss curves and the Fig. 4.6
/// metric curves. Written as `result.json` in the run's folder, next to `samples.png`.
public struct ImageRunResult: Codable, Equatable, Sendable, RunResultFile {
    /// `completed`, or `diverged` when a loss became NaN or infinite (see `message`).
    public typealias Status = RunStatus

    public var name: String
    public var config: ImageRunConfig
    public var status: Status
    /// Why a diverged run stopped.
    public var message: String?
    /// Generator updates done.
    public var iterations: Int
    public var metrics: ImageMetrics
    /// Training wall time (all sessions of a resumed run), without evaluation.
    public var seconds: Double
    public var secondsPerIteration: Double
    public var history: [LossRecord]
    public var curves: [MetricCurvePoint]

    public static var runKind: String { "an image run" }

    public init(name: String, config: ImageRunConfig, status: Status, message: String?, iterations: Int,
                metrics: ImageMetrics, seconds: Double, secondsPerIteration: Double, history: [LossRecord],
                curves: [MetricCurvePoint]) {
        self.name = name
        self.config = config
        self.status = status
        self.message = message
        self.iterations = iterations
        self.metrics = metrics
        self.seconds = seconds
        self.secondsPerIteration = secondsPerIteration
        self.history = history
        self.curves = curves
    }
}
