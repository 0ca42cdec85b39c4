import Foundation
import NeuralNet
import Reporting
import Training

/// The folder protocol and training loop shared by every resumable run, whatever its
/// procedure: `checkpoint.h5` (every `checkpoint_every` iterations and at the end: every
/// player's module, optimiser and parameter average, every random stream, the iteration, the
/// config and the `TrainingLog`), `result.json` and `manifest.json`.
///
/// A folder that already holds a run is never silently reused: with `resume: false` that is
/// an error; with `resume: true` a finished run is reported again and an unfinished one
/// continues from its checkpoint, bit for bit as if it had not stopped — provided the config
/// is the same, which is checked.
public struct ResumableTraining<Config: RunConfiguration> {
    public let config: Config
    public let folder: String

    public var checkpointPath: String { folder + "/checkpoint.h5" }
    public var resultPath: String { folder + "/result.json" }
    public var manifestPath: String { folder + "/manifest.json" }

    public init(config: Config, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// What a training session ended with.
    public struct Outcome<Extras: Codable & Equatable & Sendable> {
        public var log: TrainingLog<Extras>
        /// Why the run stopped early (a NaN or infinite loss, with the last good checkpoint), or nil.
        public var divergence: String?

        public var status: RunStatus { divergence == nil ? .completed : .diverged }
    }

    /// Validates the config, creates the folder, takes its lock (one writer per run folder:
    /// another process holding it is an error naming its PID), refuses a folder that holds
    /// files no run writes, and returns the finished result in it, if there is one and `resume`
    /// allows reporting it again.
    public func finishedResult<Result: RunResultFile>(resume: Bool, as type: Result.Type) throws -> Result?
    where Result.Config == Config {
        try config.validate()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try RunFolderLock.acquire(folder)
        try checkNothingForeign()
        guard FileManager.default.fileExists(atPath: resultPath) else { return nil }
        guard resume else {
            throw ConfigError("\(folder) already holds a finished run (result.json); pass --resume to report it again, "
                              + "or choose another output folder")
        }
        let existing = try Result.read(from: resultPath)
        guard existing.config == config else {
            throw ConfigError("\(resultPath) holds a run with a different config; choose another output folder "
                              + "(results are never overwritten)")
        }
        return existing
    }

    /// The names a run folder may hold: what runs and the run grid write, the lock, and the
    /// temporary files of interrupted atomic writes (`.<name>.<pid>.<random>.tmp`).
    public static var runFileNames: Set<String> {
        [".lock", "checkpoint.h5", "result.json", "manifest.json", "samples.png", "samples.h5", "evaluation_samples.h5",
         "config.json", "worker.log"]
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
    /// checkpoint when there is one (and `resume` allows it). Each iteration's metrics go into
    /// the log's averaging window; after every iteration `afterIteration` may add to the log
    /// (named series, extras; before a checkpoint due then is written), then `onIteration` is
    /// told the number of iterations done; an error either throws stops the run there, as an
    /// interruption would. A NaN or infinite loss ends the session with `divergence` set.
    public func train<Extras>(
        _ procedure: TrainingProcedure, resume: Bool, log initial: TrainingLog<Extras>,
        afterIteration: (_ iteration: Int, _ log: inout TrainingLog<Extras>) throws -> Void = { _, _ in },
        onIteration: ((Int) throws -> Void)? = nil
    ) throws -> Outcome<Extras> {
        var log = initial
        let schedule = config.schedule
        let hasCheckpoint = FileManager.default.fileExists(atPath: checkpointPath)
        if hasCheckpoint {
            guard resume else {
                throw ConfigError("\(folder) holds the checkpoint of an unfinished run; pass --resume to continue it, "
                                  + "or choose another output folder")
            }
            log = try restore(into: procedure)
        }
        var lastCheckpoint: Int? = hasCheckpoint ? procedure.iteration : nil
        let clock = ContinuousClock()
        while procedure.iteration < schedule.iterations {
            let start = clock.now
            let metrics: [String: Float]
            do {
                metrics = try procedure.trainIteration()
            } catch let error as TrainingError {
                guard case .nonFiniteLoss = error else { throw error }
                let saved = lastCheckpoint.map { "the last good checkpoint is \(checkpointPath) (iteration \($0))" }
                    ?? "no checkpoint was written before it"
                return Outcome(log: log, divergence: "\(error.description); \(saved)")
            }
            log.elapsedSeconds += (clock.now - start).seconds
            let iteration = procedure.iteration
            log.window.record(metrics, iteration: iteration, every: schedule.historyEvery, into: &log.history)
            try afterIteration(iteration, &log)
            if iteration % schedule.checkpointEvery == 0 || iteration == schedule.iterations {
                do {
                    try procedure.checkFiniteState()
                } catch let error as TrainingError {
                    let saved = lastCheckpoint.map { "the last good checkpoint is \(checkpointPath) (iteration \($0))" }
                        ?? "no checkpoint was written before it"
                    return Outcome(log: log, divergence: "\(error.description); \(saved)")
                }
                let logText = String(decoding: try JSONEncoder().encode(log), as: UTF8.self)
                try procedure.saveCheckpoint(to: checkpointPath, metadata: ["config": try config.jsonText(), "state": logText])
                lastCheckpoint = iteration
            }
            try onIteration?(iteration)
        }
        return Outcome(log: log, divergence: nil)
    }

    private func restore<Extras>(into procedure: TrainingProcedure) throws -> TrainingLog<Extras> {
        let contents = try Checkpoint.inspect(checkpointPath)
        let savedConfig = try contents.metadata["config"].map { try JSONDecoder().decode(Config.self, from: Data($0.utf8)) }
        guard savedConfig == config else {
            throw ConfigError("\(checkpointPath) was written by a run with a different config; resume it with that config "
                              + "(see its metadata 'config') or choose another output folder")
        }
        guard let logText = contents.metadata["state"] else {
            throw TrainingError.missingState("metadata 'state' in \(checkpointPath)")
        }
        let log: TrainingLog<Extras>
        do {
            log = try JSONDecoder().decode(TrainingLog<Extras>.self, from: Data(logText.utf8))
        } catch {
            throw ConfigError("the training log in \(checkpointPath) does not decode (\(error)); it was written by another "
                              + "version or kind of run — finish it with that version, or start afresh in another folder")
        }
        try procedure.restoreCheckpoint(from: checkpointPath)
        return log
    }

    /// Writes the run's `manifest.json`: the config (with `configExtras` added), seed, commit,
    /// library versions and the evaluation protocol next to the numbers.
    public func writeManifest(configExtras: [String: JSONValue], evaluationProtocol: [String: JSONValue]) throws {
        var configObject = try config.jsonObject()
        configObject.merge(configExtras) { _, new in new }
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
