import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// The folder protocol and training loop shared by every resumable run, whatever its
/// procedure: `checkpoint.h5` (every `checkpoint_every` iterations and at the end: every
/// player's module, optimiser and parameter average, every random stream, the iteration, the
/// config and the `TrainingLog`), `result.json` and `manifest.json`.
///
/// A folder that already holds a run is never silently reused: with `resume: false` that is
/// an error; with `resume: true` a finished run is reported again and an unfinished one
/// continues from its checkpoint, bit for bit as if it had not stopped — provided the config
/// is the same and the data files hold what they held (both checked; `ResumePolicy` names
/// the settings that may change, e.g. a smaller learning rate after a divergence, and each
/// change is recorded). The checkpoint's step must lie within the run's iterations.
///
/// In a data-parallel job (`DataParallel.world` of several processes) rank 0 alone takes the
/// folder, writes checkpoints, results and manifests; every rank reads the folder (after rank
/// 0 has checked it) and restores the same checkpoint, so a run written by N processes
/// resumes in M.
public final class ResumableTraining<Config: RunConfiguration> {
    public let config: Config
    public let folder: String

    public var checkpointPath: String { folder + "/checkpoint.h5" }
    public var resultPath: String { folder + "/result.json" }
    public var manifestPath: String { folder + "/manifest.json" }

    /// How the run in the folder had ended when a finished or diverged run is continued with
    /// changed settings (`finishedResult` reads it before removing its `result.json`).
    private var continuedFrom: String?

    public init(config: Config, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// Whether this process writes the run's files: the only process, or rank 0 of a job.
    public var isWriter: Bool { DataParallel.world.isWriter }

    /// What a training session ended with.
    public struct Outcome<Extras: Codable & Equatable & Sendable> {
        public var log: TrainingLog<Extras>
        /// Why the run stopped early (a NaN or infinite loss, with the last good checkpoint), or nil.
        public var divergence: String?

        public var status: RunStatus { divergence == nil ? .completed : .diverged }
    }

    /// Validates the config, creates the folder, takes its lock (one writer per run folder:
    /// another process holding it is an error naming its PID), refuses a folder that holds
    /// files no run writes, and returns the finished result in it, if there is one and the
    /// policy asks to report it again. A finished (or diverged) run whose config differs only
    /// in settings the policy allows to change is continued instead: its `result.json` is
    /// removed and nil returned (the change is recorded when the checkpoint is restored).
    public func finishedResult<Result: RunResultFile>(resume policy: ResumePolicy, as type: Result.Type) throws -> Result?
    where Result.Config == Config {
        let world = DataParallel.world
        guard world.size > 1 else { return try takeFolder(resume: policy, as: type) }
        guard world.isWriter else {
            // Rank 0 has checked the folder (and removed the result of a run to continue).
            try world.barrier()
            try config.validate()
            guard policy.resume, FileManager.default.fileExists(atPath: resultPath) else { return nil }
            let existing = try Result.read(from: resultPath)
            return existing.config == config ? existing : nil
        }
        let result = try takeFolder(resume: policy, as: type)
        try world.barrier()
        return result
    }

    /// `finishedResult` for the process that writes the folder.
    private func takeFolder<Result: RunResultFile>(resume policy: ResumePolicy, as type: Result.Type) throws -> Result?
    where Result.Config == Config {
        try config.validate()
        try checkAllowedChanges(policy)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try RunFolderLock.acquire(folder)
        try checkNothingForeign()
        guard FileManager.default.fileExists(atPath: resultPath) else { return nil }
        guard policy.resume else {
            throw ConfigError("\(folder) already holds a finished run (result.json); pass --resume to report it again, "
                              + "or choose another output folder")
        }
        let existing = try Result.read(from: resultPath)
        if existing.config == config { return existing }
        let changed = try config.differingKeys(from: existing.config)
        guard FileManager.default.fileExists(atPath: checkpointPath) else {
            throw ConfigError("\(resultPath) holds a run whose config differs in \(changed.joined(separator: ", ")), and no "
                              + "checkpoint to continue it from (it stopped before its first); start afresh in another folder")
        }
        guard Set(changed).isSubset(of: policy.allowedChanges) else {
            throw ConfigError("\(resultPath) holds a run whose config differs in \(changed.joined(separator: ", ")); "
                              + "choose another output folder (results are never overwritten), or continue it from its "
                              + "checkpoint with --resume --allow-change for each (only \(Self.continuableList) may change)")
        }
        continuedFrom = existing.status.rawValue + (existing.message.map { ": " + $0 } ?? "")
        try FileManager.default.removeItem(atPath: resultPath)
        return nil
    }

    private static var continuableList: String { Config.continuableKeys.sorted().joined(separator: ", ") }

    /// Only settings that leave the model, data and seed as they are may change on resume.
    private func checkAllowedChanges(_ policy: ResumePolicy) throws {
        let refused = policy.allowedChanges.subtracting(Config.continuableKeys).sorted()
        guard refused.isEmpty else {
            throw ConfigError("--allow-change \(refused.joined(separator: ", ")): a run continues with other values only "
                              + "for \(Self.continuableList); a change of model, data, method or seed is a new run")
        }
        guard policy.resume || policy.allowedChanges.isEmpty else {
            throw ConfigError("--allow-change continues a run from its checkpoint; pass --resume with it")
        }
    }

    /// The names a run folder may hold: what runs and the run grid write (`best.h5`: the
    /// best-validated model of the runs that keep one), the lock, and the
    /// temporary files of interrupted atomic writes (`.<name>.<pid>.<random>.tmp`).
    public static var runFileNames: Set<String> {
        [".lock", "checkpoint.h5", "result.json", "manifest.json", "samples.png", "samples.h5", "evaluation_samples.h5",
         "config.json", "worker.log", "best.h5"]
    }

    /// Never write over what is not ours: a folder holding anything else than run files (a
    /// chapter's output folder, a data folder) is refused, and nothing in it is touched. In a
    /// run folder, the temporary files of writes a killed process left behind are removed (the
    /// folder's lock is ours, so no other writer can own them).
    private func checkNothingForeign() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        let isTemporary = { (name: String) in name.hasPrefix(".") && name.hasSuffix(".tmp") }
        let foreign = names.filter { !Self.runFileNames.contains($0) && !isTemporary($0) }.sorted()
        guard foreign.isEmpty else {
            let listed = foreign.prefix(4).joined(separator: ", ") + (foreign.count > 4 ? ", …" : "")
            throw ConfigError("\(folder) is neither empty nor a run folder (it holds \(listed)); a run never writes over "
                              + "files it did not make: choose an empty or new --output folder")
        }
        for name in names where isTemporary(name) { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
    }

    /// Trains `procedure` up to `config.schedule.iterations`, first restoring the folder's
    /// checkpoint when there is one (and the policy allows it). Each iteration's metrics go
    /// into the log's averaging window; after every iteration `afterIteration` may add to the
    /// log (named series, extras; before a checkpoint due then is written), then `onIteration`
    /// is told the number of iterations done; an error either throws stops the run there, as an
    /// interruption would. A NaN or infinite loss, or a non-finite parameter or optimiser state
    /// at a checkpoint, ends the session with `divergence` set; no checkpoint ever holds one.
    public func train<Extras>(
        _ procedure: TrainingProcedure, resume policy: ResumePolicy, log initial: TrainingLog<Extras>,
        afterIteration: (_ iteration: Int, _ log: inout TrainingLog<Extras>) throws -> Void = { _, _ in },
        onIteration: ((Int) throws -> Void)? = nil
    ) throws -> Outcome<Extras> {
        var log = initial
        let schedule = config.schedule
        let fingerprints = try config.dataFingerprints()
        let hasCheckpoint = FileManager.default.fileExists(atPath: checkpointPath)
        if hasCheckpoint {
            guard policy.resume else {
                throw ConfigError("\(folder) holds the checkpoint of an unfinished run; pass --resume to continue it, "
                                  + "or choose another output folder")
            }
            log = try restore(into: procedure, policy: policy, fingerprints: fingerprints)
        }
        var lastCheckpoint: Int? = hasCheckpoint ? procedure.iteration : nil
        func diverged(_ error: TrainingError) -> Outcome<Extras> {
            let saved = lastCheckpoint.map { "the last good checkpoint is \(checkpointPath) (iteration \($0)); continue "
                + "from it with other settings by --resume --allow-change learning_rate --set learning_rate=<smaller>" }
                ?? "no checkpoint was written before it"
            return Outcome(log: log, divergence: "\(error.description); \(saved)")
        }
        let clock = ContinuousClock()
        while procedure.iteration < schedule.iterations {
            let start = clock.now
            let metrics: [String: Float]
            do {
                metrics = try procedure.trainIteration()
            } catch let error as TrainingError {
                switch error {
                case .nonFiniteLoss, .nonFiniteState: return diverged(error)
                default: throw error
                }
            }
            log.elapsedSeconds += (clock.now - start).seconds
            let iteration = procedure.iteration
            log.window.record(metrics, iteration: iteration, every: schedule.historyEvery, into: &log.history)
            try afterIteration(iteration, &log)
            if iteration % schedule.checkpointEvery == 0 || iteration == schedule.iterations {
                do {
                    try procedure.checkFiniteState()
                } catch let error as TrainingError {
                    return diverged(error)
                }
                try procedure.checkReplicas()
                let logText = String(decoding: try JSONEncoder().encode(log), as: UTF8.self)
                let fingerprintText = String(decoding: try JSONEncoder().encode(fingerprints), as: UTF8.self)
                if isWriter {
                    try procedure.saveCheckpoint(to: checkpointPath, metadata: [
                        "config": try config.jsonText(), "state": logText, "data_fingerprints": fingerprintText,
                    ])
                }
                lastCheckpoint = iteration
            }
            try onIteration?(iteration)
        }
        return Outcome(log: log, divergence: nil)
    }

    private func restore<Extras>(into procedure: TrainingProcedure, policy: ResumePolicy,
                                 fingerprints: [String: DataFingerprint]) throws -> TrainingLog<Extras> {
        let contents = try Checkpoint.inspect(checkpointPath)
        let savedConfig: Config
        do {
            guard let text = contents.metadata["config"] else { throw TrainingError.missingState("metadata 'config'") }
            savedConfig = try JSONDecoder().decode(Config.self, from: Data(text.utf8))
        } catch {
            throw ConfigError("the config in \(checkpointPath) does not decode (\(error)); it was written by another version "
                              + "or kind of run — finish it with that version, or start afresh in another folder")
        }
        let changed = try config.differingKeys(from: savedConfig)
        guard Set(changed).isSubset(of: policy.allowedChanges) else {
            let refused = changed.filter { !policy.allowedChanges.contains($0) }
            throw ConfigError("\(checkpointPath) was written by a run whose config differs in \(refused.joined(separator: ", ")); "
                              + "resume it with that config (see its metadata 'config'), continue it with other values by "
                              + "--allow-change for each (only \(Self.continuableList) may change), or choose another output folder")
        }
        guard (0...config.schedule.iterations).contains(contents.step) else {
            throw ConfigError("\(checkpointPath) says it was written at step \(contents.step), outside 0…\(config.schedule.iterations) "
                              + "(the run's iterations); the file is damaged or from another run — start afresh in another folder")
        }
        try checkFingerprints(contents, current: fingerprints, policy: policy)
        guard let logText = contents.metadata["state"] else {
            throw TrainingError.missingState("metadata 'state' in \(checkpointPath)")
        }
        var log: TrainingLog<Extras>
        do {
            log = try JSONDecoder().decode(TrainingLog<Extras>.self, from: Data(logText.utf8))
        } catch {
            throw ConfigError("the training log in \(checkpointPath) does not decode (\(error)); it was written by another "
                              + "version or kind of run — finish it with that version, or start afresh in another folder")
        }
        try procedure.restoreCheckpoint(from: checkpointPath)
        if !changed.isEmpty {
            let mine = try config.jsonObject(), saved = try savedConfig.jsonObject()
            let status = continuedFrom ?? "unfinished"
            log.configChanges += changed.map {
                ConfigChange(iteration: contents.step, key: $0, from: saved[$0] ?? .null, to: mine[$0] ?? .null, previousStatus: status)
            }
        }
        return log
    }

    /// The data files must be the ones the checkpoint was trained on (same size and hash),
    /// unless the policy allows others. Checkpoints written before fingerprints existed pass.
    private func checkFingerprints(_ contents: CheckpointContents, current: [String: DataFingerprint],
                                   policy: ResumePolicy) throws {
        guard !policy.allowOtherData, let text = contents.metadata["data_fingerprints"] else { return }
        guard let saved = try? JSONDecoder().decode([String: DataFingerprint].self, from: Data(text.utf8)) else {
            throw ConfigError("the data fingerprints in \(checkpointPath) do not decode; the file is damaged — start afresh "
                              + "in another folder, or pass --allow-other-data to continue regardless")
        }
        for (path, fingerprint) in current.sorted(by: { $0.key < $1.key }) {
            guard let recorded = saved[path], recorded != fingerprint else { continue }
            throw ConfigError("\(path) is not the data this run was trained on (now \(fingerprint), the checkpoint recorded "
                              + "\(recorded)); put the original file back, or pass --allow-other-data to continue on this one")
        }
    }

    /// Writes the run's `result.json` (rank 0 of a job).
    public func writeResult<Result: RunResultFile>(_ result: Result) throws {
        guard isWriter else { return }
        try result.write(to: resultPath)
    }

    /// Writes the run's `manifest.json` (rank 0 of a job): the config (with `configExtras` and the
    /// number of data-parallel `processes` added, and the
    /// settings changed on resume under `changed_on_resume`), seed, commit, library versions
    /// and the evaluation protocol next to the numbers.
    public func writeManifest(configExtras: [String: JSONValue], configChanges: [ConfigChange] = [],
                              evaluationProtocol: [String: JSONValue]) throws {
        guard isWriter else { return }
        var configObject = try config.jsonObject()
        configObject.merge(configExtras) { _, new in new }
        configObject["processes"] = .number(Double(DataParallel.world.size))
        if !configChanges.isEmpty {
            let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(configChanges))
            configObject["changed_on_resume"] = encoded
        }
        var manifest = RunManifest.start(name: config.runName, seed: config.schedule.seed, config: configObject,
                                         evaluationProtocol: evaluationProtocol)
        manifest.finish()
        try manifest.write(to: manifestPath, existing: .overwrite)
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
