import Adversarial
import NeuralNet
import TensorCore

/// The losses of one training iteration.
public struct AdversarialLosses: Equatable, Sendable {
    /// The discriminator's loss, averaged over its `discriminatorSteps` updates.
    public var discriminator: Float
    /// The generator's loss at its update.
    public var generator: Float
}

/// The random streams a training run draws from, each a split of the run's seed so that
/// one seed reproduces the run bit for bit and a checkpoint can store and restore them.
public struct TrainingStreams: Equatable, Sendable {
    /// Real batches.
    public var data: RandomStream
    /// Latent codes z.
    public var latent: RandomStream
    /// The objective's own draws (mixing proportions, β, interpolation weights).
    public var objective: RandomStream

    public init(seed: UInt64) {
        let root = RandomStream(seed: seed)
        data = root.split("data")
        latent = root.split("latent")
        objective = root.split("objective")
    }

    /// The streams by checkpoint name.
    public var named: [String: RandomStream] { ["data": data, "latent": latent, "objective": objective] }

    public init(named streams: [String: RandomStream]) throws {
        guard let data = streams["data"], let latent = streams["latent"], let objective = streams["objective"] else {
            throw TrainingError.missingState("random streams 'data', 'latent' and 'objective' (found: \(streams.keys.sorted()))")
        }
        self.data = data
        self.latent = latent
        self.objective = objective
    }
}

/// The one adversarial training loop of the framework (Algorithm 1 of Goodfellow et al.
/// with `n_disc` discriminator steps per generator step): any generator, any
/// discriminator, any `AdversarialObjective`.
///
/// ```swift
/// let trainer = try AdversarialTrainer(generator: g, discriminator: d, objective: AdversarialMethod.bgan.makeObjective(),
///                                      latentSize: 2, batchSize: 64, discriminatorSteps: 5,
///                                      seed: 0, sampleReal: { n, random in try mixture.sample(count: n, random: &random) })
/// for _ in 0..<20_000 { _ = try trainer.trainIteration() }
/// ```
public final class AdversarialTrainer {
    public let generator: any Layer
    public let discriminator: any Layer
    public let objective: any AdversarialObjective
    public let generatorOptimizer: Adam
    public let discriminatorOptimizer: Adam
    public let latentSize: Int
    public let batchSize: Int
    /// n_disc: discriminator updates per generator update.
    public let discriminatorSteps: Int
    /// Draws `count` real samples `[count, …]` from the data.
    public let sampleReal: (_ count: Int, _ random: inout RandomStream) throws -> Tensor
    public var streams: TrainingStreams
    /// Completed iterations (generator updates).
    public var iteration = 0

    /// Both optimisers are Adam with the same `adam` settings (spec §3.6: the defaults for
    /// the 2D experiments, α = 2e-4, β1 = 0.5, β2 = 0.999 for CIFAR-10).
    public init(generator: any Layer, discriminator: any Layer, objective: any AdversarialObjective,
                latentSize: Int, batchSize: Int, discriminatorSteps: Int, adam: AdamSettings = AdamSettings(),
                seed: UInt64, sampleReal: @escaping (_ count: Int, _ random: inout RandomStream) throws -> Tensor) throws {
        guard latentSize > 0, batchSize > 0, discriminatorSteps > 0 else {
            throw TrainingError.invalidSetting(
                "latent size \(latentSize), batch size \(batchSize) and n_disc \(discriminatorSteps) must all be ≥ 1")
        }
        self.generator = generator
        self.discriminator = discriminator
        self.objective = objective
        self.latentSize = latentSize
        self.batchSize = batchSize
        self.discriminatorSteps = discriminatorSteps
        self.sampleReal = sampleReal
        generatorOptimizer = try Adam(for: generator, learningRate: adam.learningRate, beta1: adam.beta1, beta2: adam.beta2)
        discriminatorOptimizer = try Adam(for: discriminator, learningRate: adam.learningRate, beta1: adam.beta1,
                                          beta2: adam.beta2)
        streams = TrainingStreams(seed: seed)
    }

    /// `n_disc` discriminator updates on fresh real and generated batches, then one
    /// generator update. Throws `TrainingError.nonFiniteLoss` (before updating with it)
    /// when a loss is NaN or infinite.
    @discardableResult
    public func trainIteration() throws -> AdversarialLosses {
        var discriminatorTotal: Float = 0
        for _ in 0..<discriminatorSteps { discriminatorTotal += try discriminatorStep() }
        let generatorLoss = try generatorStep()
        iteration += 1
        return AdversarialLosses(discriminator: discriminatorTotal / Float(discriminatorSteps), generator: generatorLoss)
    }

    /// One discriminator update on a fresh real batch and a fresh generated one; its loss.
    @discardableResult
    public func discriminatorStep() throws -> Float {
        let real = try sampleReal(batchSize, &streams.data)
        let generated = try withoutGradient { try generator(latentBatch()) }
        let (loss, gradients) = try valueAndGradient(of: discriminator) {
            try objective.discriminatorLoss(discriminator, real: real, generated: generated, random: &streams.objective)
        }
        try checkFinite(loss.scalar, network: "discriminator")
        try discriminatorOptimizer.step(gradients: gradients)
        return loss.scalar
    }

    /// One generator update through the (frozen) discriminator; its loss. Does not count as
    /// an iteration (`trainIteration` does).
    @discardableResult
    public func generatorStep() throws -> Float {
        let real = try sampleReal(batchSize, &streams.data)
        let latent = latentBatch()
        let (loss, gradients) = try discriminator.withParametersFrozen {
            try valueAndGradient(of: generator) {
                try objective.generatorLoss(discriminator, real: real, generated: generator(latent),
                                            random: &streams.objective)
            }
        }
        try checkFinite(loss.scalar, network: "generator")
        try generatorOptimizer.step(gradients: gradients)
        return loss.scalar
    }

    /// `count` generated samples, without recording the graph; draws from `random`.
    public func generate(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try generator(random.normal([count, latentSize])) }
    }

    private func latentBatch() -> Tensor { streams.latent.normal([batchSize, latentSize]) }

    private func checkFinite(_ value: Float, network: String) throws {
        guard value.isFinite else {
            throw TrainingError.nonFiniteLoss(iteration: iteration + 1, network: network, value: value)
        }
    }
}

/// Adam's settings for both players.
public struct AdamSettings: Equatable, Sendable, Codable {
    public var learningRate: Float = 1e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
    }
}

extension Module {
    /// Runs `body` with every parameter of this module frozen (read as a constant, so no
    /// gradient is computed for it), then restores each parameter's previous state.
    public func withParametersFrozen<R>(_ body: () throws -> R) rethrows -> R {
        let parameters = namedParameters.map(\.parameter)
        let wasTrainable = parameters.map(\.isTrainable)
        parameters.forEach { $0.isTrainable = false }
        defer { for (parameter, trainable) in zip(parameters, wasTrainable) { parameter.isTrainable = trainable } }
        return try body()
    }
}
