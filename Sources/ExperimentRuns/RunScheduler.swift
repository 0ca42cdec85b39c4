import Foundation

/// Runs `mixedbatch <subcommand>` worker processes (`train2d`, `train-image`), `jobs` at a time. Each worker trains one run
/// in its own folder and resumes it from its checkpoint when one is there, so an
/// interrupted `make chapter4` continues where it stopped. A SIGINT or SIGTERM to the driver
/// (Ctrl-C, a scheduler's stop) ends its workers too before the driver exits, and a worker left
/// running by a driver killed outright keeps its run folder's lock, so a restarted driver never
/// trains that run beside it.
public final class RunScheduler {
    /// What became of one run.
    public enum Outcome: Equatable {
        case completed, diverged, failed(status: Int32)
        /// Ended without a result for the reason given (a cluster's task cancelled or timed out).
        case unfinished(String)
    }

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
        let workers = LiveWorkers()
        let signalSources = workers.endOnSignals()
        defer { signalSources.forEach { $0.cancel() } }
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
                workers.insert(process.processIdentifier)
            }
            ended.wait()
            for (pid, (process, folder, log)) in running where !process.isRunning {
                running[pid] = nil
                workers.remove(pid)
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

/// The scheduler's running workers, ended when the driver receives SIGINT or SIGTERM.
private final class LiveWorkers: @unchecked Sendable {
    private let lock = NSLock()
    private var pids = Set<Int32>()

    func insert(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
    func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }

    /// Signal sources that send SIGTERM to every worker, then exit with 128 + the signal.
    func endOnSignals() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let running = lock.withLock { pids }
                for pid in running { kill(pid, SIGTERM) }
                FileHandle.standardError.write(Data("\nstopped: ended \(running.count) worker(s); run the same command again to resume\n".utf8))
                exit(128 + number)
            }
            source.setCancelHandler { signal(number, SIG_DFL) }
            source.resume()
            return source
        }
    }
}
