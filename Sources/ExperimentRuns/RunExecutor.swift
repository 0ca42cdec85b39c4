import ArgumentParser
import Foundation
import Reporting
import Training

/// Where a chapter's grid of runs trains: on this machine (`jobs` worker processes at a time,
/// `RunScheduler`), or on a Slurm cluster (one job array per grid, `SlurmArray`).
public enum RunExecutor {
    case local(jobs: Int)
    case slurm(SlurmSettings)

    /// From the drivers' flags: `--executor local|slurm`, `--jobs`, `--slurm-config`.
    public static func named(_ name: String, jobs: Int, slurmConfig: String?) throws -> RunExecutor {
        switch name {
        case "local":
            guard slurmConfig == nil else { throw ConfigError("--slurm-config needs --executor slurm") }
            return .local(jobs: jobs)
        case "slurm":
            return .slurm(try slurmConfig.map(SlurmSettings.read(from:)) ?? SlurmSettings())
        default:
            throw ConfigError("--executor \(name): choose local or slurm")
        }
    }

    /// The executor as a grid's manifest records it.
    public var manifestEntry: [String: JSONValue] {
        switch self {
        case let .local(jobs): return ["executor": "local", "jobs": .number(Double(jobs))]
        case let .slurm(settings): return ["executor": "slurm", "slurm": settings.manifestEntry]
        }
    }

    /// At most `jobs` local workers (a grid whose runs are timed against each other); a
    /// Slurm array is left as it is (each task has its own resources).
    public func limited(toJobs jobs: Int) -> RunExecutor {
        if case let .local(current) = self { return .local(jobs: min(current, jobs)) }
        return self
    }
}

/// The chapter drivers' options of where their grids train: `--jobs`, `--executor`,
/// `--slurm-config` (defaults from the `EXECUTOR` and `SLURM_CONFIG` variables).
public struct ExecutionOptions: ParsableArguments {
    @Option(help: "Worker processes (local executor).")
    public var jobs = 2

    @Option(help: ArgumentHelp("Where the runs train: local (--jobs worker processes here) or slurm (one job array per grid, "
                               + "submitted with sbatch; see --slurm-config and README \"Beyond one machine\")."))
    public var executor = ProcessInfo.processInfo.environment["EXECUTOR"] ?? "local"

    @Option(name: .customLong("slurm-config"),
            help: ArgumentHelp("The Slurm executor's resources (JSON, documented in Experiments/Slurm/resources.json; default: "
                               + "$SLURM_CONFIG, else that file's defaults built in).", valueName: "file"))
    public var slurmConfigFlag: String?

    /// `--slurm-config`, else a non-empty `SLURM_CONFIG` (the Makefile's variable).
    public var slurmConfig: String? {
        slurmConfigFlag ?? ProcessInfo.processInfo.environment["SLURM_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public init() {}

    public func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be a positive integer") }
    }

    /// The executor these options name; a `ConfigError` for a bad name or settings file.
    public func makeExecutor() throws -> RunExecutor { try RunExecutor.named(executor, jobs: jobs, slurmConfig: slurmConfig) }
}
