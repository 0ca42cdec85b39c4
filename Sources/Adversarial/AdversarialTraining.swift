import NeuralNet
import TensorCore
import Training

/// A generator network fed with standard Gaussian latent codes: the sampler of every GAN.
public final class LatentGenerator: DifferentiableSampler {
    /// `[N, latentSize] -> [N, …]`.
    public let network: any Layer
    public let latentSize: Int

    public init(network: any Layer, latentSize: Int) throws {
        guard latentSize > 0 else { throw TrainingError.invalidSetting("latent size \(latentSize) must be ≥ 1") }
        self.network = network
        self.latentSize = latentSize
    }

    /// `count` samples from fresh latent codes drawn from `random`, without recording the graph.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try network(random.normal([count, latentSize])) }
    }

    /// The generator applied to a batch of latent codes drawn from `random`, recording the graph.
    /// Under data parallelism `count` is the global batch: the codes of every process are
    /// drawn (the same on each) and the network runs on this process's shard of them.
    public func generate(count: Int, random: inout RandomStream) throws -> Tensor {
        try network(random.normal([count, latentSize]).localShard())
    }
}

/// The adversarial training procedure (Algorithm 1 of Goodfellow et al. with n_disc
/// discriminator steps per generator step) as two players of a `TrainingProcedure`:
///
/// - `discriminator` (n_disc steps): a fresh real batch, a detached generated batch drawn
///   from the `latent` stream, and the objective's discriminator loss (its own draws from
///   the `objective` stream: mixing proportions, β, interpolation weights);
/// - `generator` (one step, the discriminator frozen): the objective's generator loss on a
///   fresh real batch and a generated batch.
///
/// Any generator, any discriminator and any `AdversarialObjective` plug in; metrics are
/// `discriminator.loss` (mean over its steps) and `generator.loss`.
///
/// Data-parallel by default: launched by `mpirun -np N`, each process trains on its shard
/// of every batch (`group`, `DataParallel.world`), and the run is the single-process one.
///
/// ```swift
/// let sampler = try LatentGenerator(network: g, latentSize: 2)
/// let procedure = try AdversarialTraining.procedure(
///     generator: sampler, discriminator: d, objective: AdversarialMethod.mbgan.makeObjective(),
///     batchSize: 64, discriminatorSteps: 5, optimizer: OptimizerSettings(), seed: 0,
///     data: { count, random in try mixture.sampleBatch(count: count, random: &random) })
/// for _ in 0..<20_000 { try procedure.trainIteration() }
/// ```
public enum AdversarialTraining {
    /// The random streams of the procedure beyond `data`.
    public static let streams = ["latent", "objective"]

    public static func procedure(generator: LatentGenerator, discriminator: any Layer, objective: any AdversarialObjective,
                                 batchSize: Int, discriminatorSteps: Int, optimizer: OptimizerSettings,
                                 generatorOptimizer: OptimizerSettings? = nil, seed: UInt64,
                                 group: any ProcessGroup = DataParallel.world,
                                 data: @escaping BatchSource) throws -> TrainingProcedure {
        let network = generator.network
        let discriminatorPlayer = try Player(
            name: "discriminator", module: discriminator, optimizer: optimizer.makeOptimizer(for: discriminator),
            steps: discriminatorSteps, options: optimizer.playerOptions) { batch, streams in
            let generated = try streams.with("latent") { random in
                try withoutGradient { try generator.generate(count: batchSize, random: &random) }
            }
            return PlayerLoss(try streams.with("objective") { random in
                try objective.discriminatorLoss(discriminator, real: batch.inputs, generated: generated, random: &random)
            })
        }
        let generatorSettings = generatorOptimizer ?? optimizer
        let generatorPlayer = try Player(
            name: "generator", module: network, optimizer: generatorSettings.makeOptimizer(for: network),
            options: generatorSettings.playerOptions) { batch, streams in
            let latent = try streams.with("latent") { try $0.normal([batchSize, generator.latentSize]).localShard() }
            return PlayerLoss(try streams.with("objective") { random in
                try objective.generatorLoss(discriminator, real: batch.inputs, generated: network(latent), random: &random)
            })
        }
        return try TrainingProcedure(players: [discriminatorPlayer, generatorPlayer], batchSize: batchSize, seed: seed,
                                     streams: streams, group: group, data: data)
    }
}
