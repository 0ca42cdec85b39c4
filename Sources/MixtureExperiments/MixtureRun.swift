import Adversarial
import Datasets
import Evaluation
import Foundation
import GenerativeModels
import NeuralNet
import Reporting
import TensorCore

/// One 2D run of chapter 4 in its own folder: trains the generator against the method's
/// discriminator on a Gaussian mixture, keeps resumable checkpoints, evaluates mode
/// coverage and writes `result.json` and `manifest.json`.
///
/// Folder contents: `checkpoint.h5` (every `checkpoint_every` iterations and at the end;
/// the networks, both Adam states, the random streams and the curves so far),
/// `result.json` (`MixtureRunResult`), `manifest.json` (`RunManifest`).
///
/// A folder that already holds a run is never silently reused: with `resume: false` that
/// is an error; with `resume: true` a finished run is reported again and an unfinished one
/// continues from its checkpoint, bit for bit as if it had not stopped — provided the
/// config is the same, which is checked.
public final class MixtureRun {
    public let config: MixtureRunConfig
    public let folder: String

    public var checkpointPath: String { folder + "/checkpoint.h5" }
    public var resultPath: String { folder + "/result.json" }
    public var manifestPath: String { folder + "/manifest.json" }

    public init(config: MixtureRunConfig, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// The generator `[N, latent] -> [N, 2]` and the method's discriminator, initialised
    /// from the run's seed.
    public static func makeNetworks(_ config: MixtureRunConfig) throws -> (generator: Sequential, discriminator: any Layer) {
        let root = RandomStream(seed: config.seed)
        var generatorRandom = root.split("generator-init"), discriminatorRandom = root.split("discriminator-init")
        let generator = try Sequential.perceptron(inputSize: config.latentSize,
                                                  hiddenSizes: Array(repeating: config.width, count: config.depth),
                                                  outputSize: 2, random: &generatorRandom)
        let discriminator = try config.method.makeVectorDiscriminator(config.discriminatorShape, random: &discriminatorRandom)
        return (generator, discriminator)
    }

    /// Trains (or resumes, or reports) the run; `onIteration` is called after every
    /// iteration with the number completed (and after any checkpoint due then); an error it
    /// throws stops the run there, as an interruption would. A diverged run is returned with
    /// status `.diverged`; every other failure throws.
    public func execute(resume: Bool, onIteration: ((Int) throws -> Void)? = nil) throws -> MixtureRunResult {
        try config.validate()
        let files = FileManager.default
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if files.fileExists(atPath: resultPath) {
            guard resume else {
                throw ConfigError("\(folder) already holds a finished run (result.json); pass --resume to report it again, "
                                  + "or choose another output folder")
            }
            return try finishedResult()
        }
        let mixture = try config.makeMixture()
        let (generator, discriminator) = try Self.makeNetworks(config)
        let trainer = try AdversarialTrainer(
            generator: generator, discriminator: discriminator, objective: config.method.makeObjective(config.objectiveOptions),
            latentSize: config.latentSize, batchSize: config.batchSize, discriminatorSteps: config.discriminatorSteps,
            adam: AdamSettings(learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2),
            seed: config.seed, sampleReal: { count, random in try mixture.sample(count: count, random: &random) })
        var state = MixtureTrainingState()
        if files.fileExists(atPath: checkpointPath) {
            guard resume else {
                throw ConfigError("\(folder) holds the checkpoint of an unfinished run; pass --resume to continue it, "
                                  + "or choose another output folder")
            }
            state = try restore(into: trainer)
        }

        var divergence: String?
        var lastCheckpoint: Int? = files.fileExists(atPath: checkpointPath) ? trainer.iteration : nil
        let clock = ContinuousClock()
        while trainer.iteration < config.iterations {
            let start = clock.now
            let losses: AdversarialLosses
            do {
                losses = try trainer.trainIteration()
            } catch let error as TrainingError {
                guard case .nonFiniteLoss = error else { throw error }
                let saved = lastCheckpoint.map { "the last good checkpoint is \(checkpointPath) (iteration \($0))" }
                    ?? "no checkpoint was written before it"
                divergence = "\(error.description); \(saved)"
                break
            }
            state.elapsedSeconds += (clock.now - start).seconds
            let iteration = trainer.iteration
            state.record(losses, iteration: iteration, every: config.historyEvery)
            if config.snapshotIterations.contains(iteration) {
                var random = RandomStream(seed: config.seed).split("snapshot-\(iteration)")
                let points = try trainer.generate(count: config.snapshotSamples, random: &random)
                state.snapshots.append(PointSnapshot(iteration: iteration, points: points.scalars))
            }
            if iteration % config.checkpointEvery == 0 || iteration == config.iterations {
                try saveCheckpoint(trainer, state: state)
                lastCheckpoint = iteration
            }
            try onIteration?(iteration)
        }

        var random = RandomStream(seed: config.seed).split("evaluation")
        let samples = try trainer.generate(count: config.evaluationSamples, random: &random)
        let coverage = try modeCoverage(samples: samples, centers: mixture.centers,
                                        standardDeviation: Double(mixture.standardDeviation))
        let metrics = MixtureMetrics(modes: coverage.modes, modesTotal: coverage.modesTotal,
                                     hqFraction: coverage.hqFraction,
                                     reverseKL: coverage.reverseKL.isFinite ? coverage.reverseKL : nil,
                                     samples: coverage.sampleCount)
        let result = MixtureRunResult(
            name: config.runName, config: config, status: divergence == nil ? .completed : .diverged, message: divergence,
            iterations: trainer.iteration, metrics: metrics, seconds: state.elapsedSeconds,
            secondsPerIteration: trainer.iteration == 0 ? 0 : state.elapsedSeconds / Double(trainer.iteration),
            history: state.history, snapshots: state.snapshots)
        try writeManifest(result, objective: trainer.objective.name)
        try AtomicFile.write(MixtureRunResult.jsonEncoder().encode(result), to: resultPath)
        return result
    }

    /// The result of a finished run in the folder, if its config is this run's.
    private func finishedResult() throws -> MixtureRunResult {
        let existing = try MixtureRunResult.read(from: resultPath)
        guard existing.config == config else {
            throw ConfigError("\(resultPath) holds a run with a different config; choose another output folder "
                              + "(results are never overwritten)")
        }
        return existing
    }

    private func saveCheckpoint(_ trainer: AdversarialTrainer, state: MixtureTrainingState) throws {
        let stateText = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try Checkpoint.save(to: checkpointPath, step: trainer.iteration,
                            modules: ["generator": trainer.generator, "discriminator": trainer.discriminator],
                            optimizers: ["generator": trainer.generatorOptimizer,
                                         "discriminator": trainer.discriminatorOptimizer],
                            randomStreams: trainer.streams.named,
                            metadata: ["config": try config.jsonText(), "state": stateText],
                            overwrite: true)
    }

    private func restore(into trainer: AdversarialTrainer) throws -> MixtureTrainingState {
        let contents = try Checkpoint.inspect(checkpointPath)
        let savedConfig = try contents.metadata["config"].map { try JSONDecoder().decode(MixtureRunConfig.self, from: Data($0.utf8)) }
        guard savedConfig == config else {
            throw ConfigError("\(checkpointPath) was written by a run with a different config; resume it with that config "
                              + "(see its metadata 'config') or choose another output folder")
        }
        guard let stateText = contents.metadata["state"] else {
            throw TrainingError.missingState("metadata 'state' in \(checkpointPath)")
        }
        let state = try JSONDecoder().decode(MixtureTrainingState.self, from: Data(stateText.utf8))
        try Checkpoint.restore(from: checkpointPath,
                               modules: ["generator": trainer.generator, "discriminator": trainer.discriminator],
                               optimizers: ["generator": trainer.generatorOptimizer,
                                            "discriminator": trainer.discriminatorOptimizer])
        trainer.streams = try TrainingStreams(named: contents.randomStreams)
        trainer.iteration = contents.step
        return state
    }

    private func writeManifest(_ result: MixtureRunResult, objective: String) throws {
        let configValue = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(config))
        guard case var .object(configObject) = configValue else { return }
        configObject["objective"] = .string(objective)
        configObject["loss_placement"] = .string(config.lossPlacementLabel)
        var manifest = RunManifest.start(
            name: result.name, seed: config.seed, config: configObject,
            evaluationProtocol: ["generated_samples": .number(Double(config.evaluationSamples)),
                                 "high_quality_radius": "3 sigma of the nearest mode",
                                 "mode_covered": "nearest mode of at least one high-quality sample",
                                 "reverse_kl": "KL(high-quality histogram over modes || uniform), nats",
                                 "training_seconds": .number(result.seconds)])
        manifest.finish()
        try manifest.write(to: manifestPath, existing: .overwrite)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
