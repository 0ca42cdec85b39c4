import Foundation
import Reporting
import Training

/// Trains a grid's runs as one Slurm job array: a batch script with one array task per run
/// folder (`slurm/<name>.sbatch`, the folders in `slurm/<name>.tasks`), submitted with `sbatch`,
/// followed with `squeue` (and `sacct` where the cluster keeps accounting) until no task is
/// left; each task runs `mixedbatch <subcommand> --resume` in its folder, so a task that was
/// cancelled, failed or timed out continues from its checkpoint when it runs again.
///
/// The driver waits; stopping it (Ctrl-C) leaves the array running, and the same command again
/// attaches to the array still queued (`slurm/active.json`) instead of submitting the runs twice;
/// once nothing is queued it submits the runs without a `result.json` only.
public struct SlurmArray {
    public let settings: SlurmSettings
    public let worker: URL
    public let subcommand: String
    /// `<runs folder>/slurm`: scripts, task lists, the task logs and `active.json`.
    public let folder: String

    public init(settings: SlurmSettings, worker: URL, subcommand: String, runsFolder: String) {
        self.settings = settings
        self.worker = worker
        self.subcommand = subcommand
        folder = runsFolder + "/slurm"
    }

    /// The array job still queued for this grid, as recorded when it was submitted.
    struct Submission: Codable {
        var jobID: String
        var script: String
        var folders: [String]
    }

    private var activePath: String { folder + "/active.json" }

    /// Trains `folders` (those without a `result.json`) and returns when the array is done;
    /// `finished(folder, outcome)` is called as each run's result appears or its task ends
    /// without one.
    public func run(folders: [String], finished: (String, RunScheduler.Outcome) -> Void) throws -> [String: RunScheduler.Outcome] {
        guard !folders.isEmpty else { return [:] }
        let resources = settings.resources(for: subcommand)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var submissions: [Submission] = []
        if let active = try? JSONDecoder().decode([Submission].self, from: Data(contentsOf: URL(fileURLWithPath: activePath))) {
            for submission in active where try !queuedTasks(of: [submission.jobID]).isEmpty {
                print("attaching to array job \(submission.jobID) (still queued; submitted by an earlier call)")
                submissions.append(submission)
            }
        }
        let covered = Set(submissions.flatMap(\.folders))
        let missing = folders.filter { !covered.contains($0) }
        if !missing.isEmpty {
            let submission = try submit(missing, resources: resources, recordingBeside: submissions)
            submissions.append(submission)
            print("submitted array job \(submission.jobID): \(missing.count) run(s) (\(submission.script)); Ctrl-C stops "
                  + "waiting, not the jobs — the same command again attaches to them")
            fflush(stdout)
        }
        return try wait(for: submissions, folders: folders, finished: finished)
    }

    /// Writes the script and the task list, submits them, and records the submission beside
    /// the `active` ones (`active.json`).
    private func submit(_ folders: [String], resources: SlurmResources, recordingBeside active: [Submission]) throws -> Submission {
        var name = "\(subcommand)-\(Int(Date().timeIntervalSince1970))"
        while FileManager.default.fileExists(atPath: folder + "/\(name).sbatch") { name += "b" }
        let tasksPath = folder + "/\(name).tasks", scriptPath = folder + "/\(name).sbatch"
        try AtomicFile.write(folders.joined(separator: "\n") + "\n", to: tasksPath, existing: .refuseOverwrite)
        try AtomicFile.write(script(tasks: tasksPath, count: folders.count, resources: resources), to: scriptPath, existing: .refuseOverwrite)
        let output = try Self.command("sbatch", ["--parsable", scriptPath])
        guard let jobID = output.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
              !jobID.isEmpty, jobID.allSatisfy(\.isNumber) else {
            throw ConfigError("sbatch answered '\(output)' instead of a job id; see \(scriptPath)")
        }
        let submission = Submission(jobID: jobID, script: scriptPath, folders: folders)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(active + [submission]), as: UTF8.self), to: activePath,
                             existing: .overwrite)
        return submission
    }

    /// The batch script: resources, environment, and the task's run.
    func script(tasks: String, count: Int, resources: SlurmResources) -> String {
        var lines = ["#!/bin/bash", "# Written by MixedBatch: one array task per run folder listed in \(tasks).",
                     "#SBATCH --job-name=mixedbatch-\(subcommand)",
                     "#SBATCH --array=0-\(count - 1)" + (resources.maxParallel.map { "%\($0)" } ?? ""),
                     "#SBATCH --output=\(folder)/%A_%a.log"]
        let ranks = resources.ntasks ?? 1
        lines.append("#SBATCH --ntasks=\(ranks)")
        if let value = resources.cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(value)") }
        if let value = resources.mem { lines.append("#SBATCH --mem=\(value)") }
        if let value = resources.time { lines.append("#SBATCH --time=\(value)") }
        if let value = resources.partition { lines.append("#SBATCH --partition=\(value)") }
        if let value = resources.account { lines.append("#SBATCH --account=\(value)") }
        if let value = resources.qos { lines.append("#SBATCH --qos=\(value)") }
        lines += (resources.directives ?? []).map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail"] + settings.modules.map { "module load \($0)" } + settings.setup
        lines += [
            "export OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}",
            "run=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \(Self.quoted(tasks)))",
            "echo \"$(date -Is) array task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)\" >> \"$run/worker.log\"",
        ]
        let launch = ranks > 1 ? "srun --mpi=\(settings.mpi) --ntasks=\(ranks) " : ""
        lines.append(launch + "\(Self.quoted(worker.path)) \(subcommand) --config \"$run/config.json\" --output \"$run\" "
                     + "--resume --quiet >> \"$run/worker.log\" 2>&1")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Polls until no task of `jobs` is queued; reports each run as its result appears, and
    /// each run left without one (with its task's state where `sacct` knows it).
    private func wait(for submissions: [Submission], folders: [String], finished: (String, RunScheduler.Outcome) -> Void) throws
        -> [String: RunScheduler.Outcome] {
        let jobs = submissions.map(\.jobID)
        var outcomes: [String: RunScheduler.Outcome] = [:]
        var accounted: [String: String]?
        var tasks: [String: String] = [:]
        for submission in submissions {
            for (index, run) in submission.folders.enumerated() { tasks[run] = "\(submission.jobID)_\(index)" }
        }
        func collect(final: Bool) throws {
            if final { accounted = jobs.compactMap(Self.accountedStates(of:)).reduce(into: [:]) { $0.merge($1) { a, _ in a } } }
            for run in folders where outcomes[run] == nil {
                if let status = try? RunResultStatus.read(from: run + "/result.json") {
                    outcomes[run] = status == .diverged ? .diverged : .completed
                    finished(run, outcomes[run]!)
                } else if final {
                    let state = accounted.flatMap { states in tasks[run].flatMap { states[$0] } }
                    let log = tasks[run].map { "\(folder)/\($0).log" } ?? "\(folder)/<job>_<task>.log"
                    outcomes[run] = .unfinished("its array task ended without a result" + (state.map { ": \($0)" } ?? "")
                                                + "; see \(run)/worker.log and \(log)")
                    finished(run, outcomes[run]!)
                }
            }
        }
        // The queue's state at most once every 10 minutes (the progress bar counts results).
        var lastReport = -Double.infinity
        var failedPolls = 0
        while true {
            let queued: [String: String]
            do {
                queued = try queuedTasks(of: jobs)
                failedPolls = 0
            } catch {
                // A busy or restarting controller: ask again, give up after ten tries in a row.
                failedPolls += 1
                guard failedPolls < 10 else { throw error }
                Thread.sleep(forTimeInterval: settings.pollSeconds)
                continue
            }
            try collect(final: false)
            if queued.isEmpty { break }
            let now = Date().timeIntervalSince1970
            if now - lastReport >= 600 {
                let states = Dictionary(grouping: queued.values, by: { $0 }).mapValues(\.count)
                    .sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.lowercased())" }.joined(separator: ", ")
                print("array job \(jobs.joined(separator: ", ")): \(states)")
                fflush(stdout)
                lastReport = now
            }
            Thread.sleep(forTimeInterval: settings.pollSeconds)
        }
        try collect(final: true)
        try? FileManager.default.removeItem(atPath: activePath)
        return outcomes
    }

    /// Slurm's job states of a task not yet ended (pending, running, suspended, completing,
    /// configuring, requeued, resizing, signaling, staging out, stopped, held for requeue).
    static let activeStates = "PD,R,S,CG,CF,RQ,RS,SI,SO,ST,RH,RF,RD"

    /// The tasks of `jobs` that Slurm still holds (pending, running, completing…), by id; none
    /// once Slurm has forgotten the jobs ("Invalid job id"); other failures of squeue throw.
    func queuedTasks(of jobs: [String]) throws -> [String: String] {
        let output: String
        do {
            output = try Self.command("squeue", ["--noheader", "--array", "--jobs=" + jobs.joined(separator: ","),
                                                 "--states=" + Self.activeStates, "--format=%i %T"])
        } catch let error as ConfigError where error.message.contains("Invalid job id") {
            return [:]
        }
        var tasks: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { tasks[String(fields[0])] = String(fields[1]) }
        }
        return tasks
    }

    /// How each task of `job` ended, from `sacct`; nil where the cluster keeps no accounting.
    public static func accountedStates(of job: String) -> [String: String]? {
        guard let output = try? command("sacct", ["--noheader", "--parsable2", "--jobs=" + job, "--format=JobID,State,ExitCode"]),
              !output.isEmpty else { return nil }
        var states: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].contains(".") else { continue }
            states[String(fields[0])] = "\(fields[1]) (exit \(fields[2]))"
        }
        return states
    }

    /// Runs a Slurm command from the PATH and returns its standard output; a `ConfigError`
    /// naming the command when it is missing or fails.
    static func command(_ name: String, _ arguments: [String], allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw ConfigError("cannot run \(name) (\(error)); the Slurm executor needs Slurm's commands on the PATH")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 || allowFailure else {
            throw ConfigError("\(name) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)): "
                              + errorText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func quoted(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// Just the status of a `result.json`, whatever its family.
struct RunResultStatus: Decodable {
    let status: RunStatus

    static func read(from path: String) throws -> RunStatus {
        try JSONDecoder().decode(RunResultStatus.self, from: Data(contentsOf: URL(fileURLWithPath: path))).status
    }
}
