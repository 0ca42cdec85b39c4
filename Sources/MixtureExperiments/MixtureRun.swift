import Adversarial
import Datasets
import Evaluation
import ExperimentRuns
import Foundation
import Hybrid
import NeuralNet
import Reporting
import TensorCore
import Training

/// One 2D run of chapter 4 in its own folder: trains the generator against the method's
/// discriminator on a Gaussian mixture, keeps resumable checkpoints, evaluates mode
/// coverage and writes `result.json` and `manifest.json`.
///
/// Folder contents and resumption follow `ResumableTraining`: `checkpoint.h5`, `result.json`
/// (`MixtureRunResult`), `manifest.json` (`RunManifest`); the log's extras are the Fig. 4.3
/// point snapshots.
public final class MixtureRun: ExperimentRun {
    public static let subcommand = "train2d"

    public let config: MixtureRunConfig
    public let folder: String

    public var checkpointPath: String { folder + "/checkpoint.h5" }
    public var resultPath: String { folder + "/result.json" }

    public init(config: MixtureRunConfig, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// The generator `[N, latent] -> [N, 2]` and the method's discriminator, initialised
    /// from the run's seed.
    public static func makeNetworks(_ config: MixtureRunConfig) throws -> (generator: LatentGenerator, discriminator: any Layer) {
        let root = RandomStream(seed: config.seed)
        var generatorRandom = root.split("generator-init"), discriminatorRandom = root.split("discriminator-init")
        let generator = try Sequential.perceptron(inputSize: config.latentSize, hiddenSizes: config.mixture.generatorHiddenSizes,
                                                  outputSize: 2, units: config.generatorUnits, random: &generatorRandom)
        let discriminator = try config.method.makeVectorDiscriminator(config.discriminatorShape, random: &discriminatorRandom)
        return (try LatentGenerator(network: generator, latentSize: config.latentSize), discriminator)
    }

    /// The hybrid's networks (encoder and generator of the generator's sizes, critic of the
    /// discriminator's, the code discriminator of its own), initialised from the run's seed.
    public static func makeHybridNetworks(_ config: MixtureRunConfig, model: HybridModel) throws -> HybridNetworks {
        var shape = HybridNetworks.VectorShape(dataSize: 2, latentSize: config.latentSize,
                                               generatorHidden: config.mixture.generatorHiddenSizes,
                                               criticHidden: config.mixture.discriminatorHiddenSizes)
        shape.generatorUnits = config.generatorUnits
        shape.criticUnits = config.discriminatorShape.units
        shape.codeHidden = Array(repeating: config.codeWidth, count: config.codeDepth)
        var random = RandomStream(seed: config.seed).split("hybrid-init")
        return try HybridNetworks.vector(shape, components: model.components, random: &random)
    }

    /// The generator and the procedure that trains it: the GAN of `method`, or the hybrid.
    static func makeTraining(_ config: MixtureRunConfig, data: @escaping BatchSource) throws
        -> (generator: LatentGenerator, procedure: TrainingProcedure) {
        guard let model = config.hybrid.hybrid, let objective = try config.hybrid.makeObjective() else {
            let (generator, discriminator) = try makeNetworks(config)
            return (generator, try config.makeProcedure(generator: generator, discriminator: discriminator, data: data))
        }
        let networks = try makeHybridNetworks(config, model: model)
        let procedure = try HybridTraining.procedure(networks, objective: objective, batchSize: config.batchSize,
                                                     criticSteps: config.discriminatorSteps, optimizer: config.gan.optimizer,
                                                     seed: config.seed, data: data)
        return (try LatentGenerator(network: networks.model.generator, latentSize: config.latentSize), procedure)
    }

    /// Real batches: fresh draws from the mixture, or uniform draws with replacement from a
    /// training set of `training_set_size` points drawn once from the seed.
    static func dataSource(_ config: MixtureRunConfig, mixture: GaussianMixture2D) throws -> BatchSource {
        guard let size = config.trainingSetSize else {
            return { count, random in try mixture.sampleBatch(count: count, random: &random) }
        }
        var setRandom = RandomStream(seed: config.seed).split("training-set")
        let points = try mixture.sample(count: size, random: &setRandom)
        return { count, random in
            try Batch(inputs: points.indexSelect((0..<count).map { _ in random.integer(in: 0..<size) }, axis: 0))
        }
    }

    /// Trains (or resumes, or reports) the run; `onIteration` is called after every
    /// iteration with the number completed (and after any checkpoint due then); an error it
    /// throws stops the run there, as an interruption would. A diverged run is returned with
    /// status `.diverged`; every other failure throws.
    public func execute(resume: ResumePolicy, onIteration: ((Int) throws -> Void)? = nil) throws -> MixtureRunResult {
        let training = ResumableTraining(config: config, folder: folder)
        if let finished = try training.finishedResult(resume: resume, as: MixtureRunResult.self) { return finished }
        let mixture = try config.makeMixture()
        let (generator, procedure) = try Self.makeTraining(config, data: Self.dataSource(config, mixture: mixture))
        let outcome = try training.train(procedure, resume: resume, log: TrainingLog(extras: [PointSnapshot]()),
                                         afterIteration: { iteration, log in
            guard config.snapshotIterations.contains(iteration) else { return }
            var random = RandomStream(seed: config.seed).split("snapshot-\(iteration)")
            let points = try procedure.withEvaluationParameters {
                try generator.sample(count: config.snapshotSamples, random: &random)
            }
            log.extras.append(PointSnapshot(iteration: iteration, points: points.scalars))
        }, onIteration: onIteration)

        var random = RandomStream(seed: config.seed).split("evaluation")
        let samples = try procedure.withEvaluationParameters {
            try generator.sample(count: config.evaluationSamples, random: &random)
        }
        let coverage = try modeCoverage(samples: samples, centers: mixture.centers,
                                        standardDeviation: Double(mixture.standardDeviation))
        let metrics = MixtureMetrics(modes: coverage.modes, modesTotal: coverage.modesTotal,
                                     hqFraction: coverage.hqFraction,
                                     reverseKL: coverage.reverseKL.isFinite ? coverage.reverseKL : nil,
                                     samples: coverage.sampleCount)
        let result = MixtureRunResult(config: config, outcome: outcome, iterations: procedure.iteration, metrics: metrics)
        let objective = try config.hybrid.hybrid.map { "hybrid: \($0.components)" }
            ?? config.method.makeObjective(config.objectiveOptions).name
        try training.writeManifest(
            configExtras: ["objective": .string(objective),
                           "loss_placement": .string(config.hybrid.hybrid == nil ? config.lossPlacementLabel : "per-sample")],
            configChanges: outcome.log.configChanges,
            evaluationProtocol: ["generated_samples": .number(Double(config.evaluationSamples)),
                                 "high_quality_radius": "3 sigma of the nearest mode",
                                 "mode_covered": "nearest mode of at least one high-quality sample",
                                 "reverse_kl": "KL(high-quality histogram over modes || uniform), nats",
                                 "training_seconds": .number(result.seconds)])
        try training.writeResult(result)
        return result
    }
}
