import ExperimentRuns
import Foundation
import Reporting

/// The runs of one part of `make chapter4`: each config gets a folder `runs/<name>/` with its
/// `config.json`; finished runs are read back, the others are trained by `mixedbatch
/// <subcommand>` workers, `jobs` at a time, behind a progress bar.
struct RunGrid<Result: RunResultFile> {
    let label: String
    let runsFolder: String
    let worker: URL
    let subcommand: String
    let jobs: Int

    /// The results of every config, in the order given, and the runs that failed (a message each).
    func run(_ configs: [Result.Config], firstInSchedule: (Result.Config) -> Bool = { _ in false }) throws
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
        print("\(label): \(configs.count) runs, \(done.count) already done, \(pending.count) to train with \(jobs) worker(s); "
              + "runs in \(runsFolder)")
        fflush(stdout)
        let progress = ProgressBar(total: pending.count, label: label)
        var failures: [String] = []
        _ = try RunScheduler(executable: worker, subcommand: subcommand, jobs: jobs).run(folders: pending) { folder, outcome in
            progress.advance()
            switch outcome {
            case .completed, .diverged:
                do {
                    let result = try Result.read(from: folder + "/result.json")
                    done[URL(fileURLWithPath: folder).lastPathComponent] = result
                } catch { failures.append("\(folder): \(error)") }
            case let .failed(status):
                failures.append("\(folder) exited with status \(status); see \(folder)/worker.log")
            }
        }
        progress.finish()
        return (configs.compactMap { done[$0.runName] }, failures)
    }
}
