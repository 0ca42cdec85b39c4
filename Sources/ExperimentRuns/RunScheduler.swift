import Foundation

/// Runs `mixedbatch <subcommand>` worker processes (`train2d`, `train-image`), `jobs` at a time. Each worker trains one run
/// in its own folder and resumes it from its checkpoint when one is there, so an
/// interrupted `make chapter4` continues where it stopped.
public final class RunScheduler {
    /// What became of one run.
    public enum Outcome: Equatable { case completed, diverged, failed(status: Int32) }

    public let executable: URL
    public let subcommand: String
    public let jobs: Int

    public init(executable: URL, subcommand: String, jobs: Int) {
        self.executable = executable
        self.subcommand = subcommand
        self.jobs = jobs
    }

    /// Starts a worker per config file (`folder/config.json`) and waits for all; calls
    /// `finished` (on the calling thread) as each ends. Worker output goes to `folder/worker.log`.
    public func run(folders: [String], finished: (String, Outcome) -> Void) throws -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var pending = folders[...]
        var running: [Int32: (process: Process, folder: String, log: FileHandle)] = [:]
        let ended = DispatchSemaphore(value: 0)
        var environment = ProcessInfo.processInfo.environment
        if jobs > 1 {  // one core per worker: OpenBLAS and oneDNN (OpenMP) alike
            environment["OPENBLAS_NUM_THREADS"] = "1"
            environment["OMP_NUM_THREADS"] = "1"
        }
        while !pending.isEmpty || !running.isEmpty {
            while running.count < jobs, let folder = pending.popFirst() {
                let process = Process()
                process.executableURL = executable
                process.arguments = [subcommand, "--config", folder + "/config.json", "--output", folder, "--resume", "--quiet"]
                process.environment = environment
                let logPath = folder + "/worker.log"
                if !FileManager.default.fileExists(atPath: logPath) {
                    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
                }
                let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
                try log.seekToEnd()  // a resumed run keeps the log of its earlier sessions
                process.standardOutput = log
                process.standardError = log
                process.terminationHandler = { _ in ended.signal() }
                try process.run()
                running[process.processIdentifier] = (process, folder, log)
            }
            ended.wait()
            for (pid, (process, folder, log)) in running where !process.isRunning {
                running[pid] = nil
                try? log.close()
                let outcome: Outcome
                switch process.terminationStatus {
                case 0: outcome = .completed
                case 3: outcome = .diverged
                default: outcome = .failed(status: process.terminationStatus)
                }
                outcomes[folder] = outcome
                finished(folder, outcome)
            }
        }
        return outcomes
    }
}
