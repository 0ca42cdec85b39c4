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
