import Training
import Foundation
import Reporting

/// A grid of runs of one family, as every chapter's driver runs them: each config gets a
/// folder `runs/<name>/` with its `config.json`; finished runs are read back, the others are
/// trained by `mixedbatch <Run.subcommand>` — worker processes here, `jobs` at a time, or the
/// tasks of a Slurm job array (`RunExecutor`) — behind a progress bar. An interrupted grid,
/// run again, keeps finished runs and resumes the others from their checkpoints.
public struct RunGrid<Run: ExperimentRun> {
    public typealias Result = Run.Result
    public let label: String
    public let runsFolder: String
    /// The `mixedbatch` executable.
    public let worker: URL
    public let executor: RunExecutor

    public init(label: String, runsFolder: String, worker: URL, executor: RunExecutor) {
        self.label = label
        self.runsFolder = runsFolder
        self.worker = worker
        self.executor = executor
    }


    /// The results of every config, in the order given, and the runs that failed (a message
    /// each). Configs for which `firstInSchedule` holds (expensive runs) start first.
    public func run(_ configs: [Run.Config], firstInSchedule: (Run.Config) -> Bool = { _ in false }) throws
        -> (results: [Result], failures: [String]) {
        var done: [String: Result] = [:], pending: [String] = []
        try FileManager.default.createDirectory(atPath: runsFolder, withIntermediateDirectories: true)
        // Expensive runs first, so that no worker is left alone with one at the end.
        for config in configs.filter(firstInSchedule) + configs.filter({ !firstInSchedule($0) }) {
            let folder = runsFolder + "/" + config.runName
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let configPath = folder + "/config.json"
            let text = try config.jsonText()
            if let existing = FileManager.default.contents(atPath: configPath), String(decoding: existing, as: UTF8.self) != text {
                throw ConfigError("\(configPath) belongs to a run with other settings (another scale?); use --output "
                                  + "elsewhere, or delete that folder to start over")
            }
            try AtomicFile.write(text, to: configPath, existing: .overwrite)
            if FileManager.default.fileExists(atPath: folder + "/result.json") {
                done[config.runName] = try Result.read(from: folder + "/result.json")
            } else {
                pending.append(folder)
            }
        }
        let placement: String
        switch executor {
        case let .local(jobs): placement = "with \(jobs) worker(s)"
        case .slurm: placement = "as a Slurm job array"
        }
        print("\(label): \(configs.count) runs, \(done.count) already done, \(pending.count) to train \(placement); runs in \(runsFolder)")
        fflush(stdout)
        let progress = ProgressBar(total: pending.count, label: label)
        var failures: [String] = []
        let finished = { (folder: String, outcome: RunScheduler.Outcome) in
            progress.advance()
            switch outcome {
            case .completed, .diverged:
                do {
                    let result = try Result.read(from: folder + "/result.json")
                    done[URL(fileURLWithPath: folder).lastPathComponent] = result
                } catch { failures.append("\(folder): \(error)") }
            case let .failed(status):
                failures.append("\(folder) exited with status \(status); see \(folder)/worker.log")
            case let .unfinished(reason):
                failures.append("\(folder): \(reason)")
            }
        }
        switch executor {
        case let .local(jobs):
            _ = try RunScheduler(executable: worker, subcommand: Run.subcommand, jobs: jobs).run(folders: pending, finished: finished)
        case let .slurm(settings):
            _ = try SlurmArray(settings: settings, worker: worker, subcommand: Run.subcommand, runsFolder: runsFolder)
                .run(folders: pending, finished: finished)
        }
        progress.finish()
        return (configs.compactMap { done[$0.runName] }, failures)
    }
}

extension RunGrid {
    /// The `runs` entry of a grid's manifest: each run's name, folder, seed, status, seconds
    /// and the path of its own manifest.
    public static func manifestEntries(_ results: [Result]) -> JSONValue {
        .array(results.map { result in
            .object(["name": .string(result.name), "folder": .string("runs/\(result.name)"),
                     "seed": .number(Double(result.config.schedule.seed)), "status": .string(result.status.rawValue),
                     "seconds": .number(result.seconds), "manifest": .string("runs/\(result.name)/manifest.json")])
        })
    }
}
