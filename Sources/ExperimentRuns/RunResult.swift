import Foundation
import Reporting
import Training

/// How a run ended: `completed`, or `diverged` when a loss became NaN or infinite.
public enum RunStatus: String, Codable, Sendable { case completed, diverged }

/// A result file of a finished run (`result.json`), which names the config it came from.
public protocol RunResultFile: Codable {
    associatedtype Config: RunConfiguration
    var config: Config { get }
    var status: RunStatus { get }
    /// Why a diverged run stopped.
    var message: String? { get }
    /// What kind of run writes it, for messages ("a 2D run").
    static var runKind: String { get }
}

extension RunResultFile {
    /// Reads a `result.json`; an unreadable or foreign file gives an error naming it.
    public static func read(from path: String) throws -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read \(path); it is missing or unreadable")
        }
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw ConfigError("\(path) is not a result of \(runKind) (\(error)); delete it to run again")
        }
    }

    /// Writes `result.json` atomically, keys sorted.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: path, existing: .overwrite)
    }
}

/// What a run family computes at the end of a run, with what it reports about itself.
public protocol RunMetrics: Codable, Equatable, Sendable {
    /// The kind of run that writes results with these metrics ("a 2D run").
    static var runKind: String { get }
}

/// What a finished run reports, for every family: its config, status, final metrics,
/// timing, the named metric history and the family's extras. Written as `result.json`.
public struct RunResult<Config: RunConfiguration & Codable, Metrics: RunMetrics, Extras: Codable & Equatable & Sendable>:
    Codable, Equatable, Sendable, RunResultFile {
    public var name: String
    public var config: Config
    public var status: RunStatus
    /// Why a diverged run stopped.
    public var message: String?
    /// Iterations done.
    public var iterations: Int
    public var metrics: Metrics
    /// Training wall time (all sessions of a resumed run), without evaluation.
    public var seconds: Double
    public var secondsPerIteration: Double
    /// Named metric series: every player's losses, and what the run records along the way.
    public var history: MetricHistory
    public var extras: Extras
    /// Settings changed when the run was continued (`--resume --allow-change`); absent when none.
    public var configChanges: [ConfigChange]?

    public static var runKind: String { Metrics.runKind }

    public init(config: Config, status: RunStatus, message: String?, iterations: Int, metrics: Metrics, seconds: Double,
                history: MetricHistory, extras: Extras) {
        name = config.runName
        self.config = config
        self.status = status
        self.message = message
        self.iterations = iterations
        self.metrics = metrics
        self.seconds = seconds
        secondsPerIteration = iterations == 0 ? 0 : seconds / Double(iterations)
        self.history = history
        self.extras = extras
    }

    /// The result of a training session: status, message, history and extras from its
    /// outcome, iterations and seconds from the procedure's count and the log.
    public init(config: Config, outcome: ResumableTraining<Config>.Outcome<Extras>, iterations: Int, metrics: Metrics) {
        self.init(config: config, status: outcome.status, message: outcome.divergence, iterations: iterations,
                  metrics: metrics, seconds: outcome.log.elapsedSeconds, history: outcome.log.history,
                  extras: outcome.log.extras)
        configChanges = outcome.log.configChanges.isEmpty ? nil : outcome.log.configChanges
    }

    /// The command line's JSON summary: name, status, folder, iterations, seconds, the
    /// config's summary fields and every metric under its snake_case name (`hq_fraction`; a
    /// metric without a value, such as an undefined KL, is left out).
    public func summary(folder: String) throws -> [String: JSONValue] {
        var summary = config.summaryFields
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        if case let .object(metricValues) = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(metrics)) {
            summary.merge(metricValues) { _, metric in metric }
        }
        summary.merge([
            "name": .string(name), "status": .string(status.rawValue), "output": .string(folder),
            "iterations": .number(Double(iterations)), "seconds": .number(seconds),
            "seconds_per_iteration": .number(secondsPerIteration),
        ]) { _, fixed in fixed }
        return summary
    }
}

/// One run of a family in its own folder: what the CLI's train commands and the run grid's
/// workers execute.
public protocol ExperimentRun {
    associatedtype Config: RunConfiguration
    associatedtype Metrics: RunMetrics
    associatedtype Extras: Codable & Equatable & Sendable
    typealias Result = RunResult<Config, Metrics, Extras>

    /// The `mixedbatch` subcommand that trains one run of this family (`train2d`).
    static var subcommand: String { get }

    init(config: Config, folder: String)

    /// Trains (or resumes, or reports) the run; `onIteration` is told each iteration done.
    func execute(resume: ResumePolicy, onIteration: ((Int) throws -> Void)?) throws -> Result
}
