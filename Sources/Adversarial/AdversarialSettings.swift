import NeuralNet
import TensorCore
import Training

/// The mixing prior of BGAN / M-BGAN (keys `prior`, `gamma`, `beta_a`, `beta_b`): batch
/// smoothing-γ, p* uniform on [0, γ] ∪ [1 − γ, 1], or p* ~ Beta(a, b) (§4.3, spec §3.3).
public struct MixingPriorSettings: SettingsGroup {
    public enum Kind: String, Codable, Sendable, CaseIterable { case smoothing, beta }

    public var prior: Kind = .smoothing
    /// γ ∈ [0, ½] of batch smoothing; 0 gives pure batches.
    public var gamma: Float = 0.3
    public var betaA: Float = 1
    public var betaB: Float = 1

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prior, gamma, betaA = "beta_a", betaB = "beta_b"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        key == CodingKeys.prior.rawValue ? Kind.allCases.map(\.rawValue) : nil
    }

    public var choice: MixingPriorChoice { prior == .smoothing ? .batchSmoothing(gamma: gamma) : .beta(a: betaA, b: betaB) }

    /// `g0.3` or `beta1.0-1.0`, for run names.
    public var nameComponent: String { prior == .smoothing ? "g\(gamma)" : "beta\(betaA)-\(betaB)" }

    public func validate() throws {
        try requireSetting((0...0.5).contains(gamma), "gamma = \(gamma) must be in [0, 0.5] (0: pure batches, 0.5: uniform prior)")
        try requireSetting(betaA > 0 && betaB > 0, "beta_a = \(betaA) and beta_b = \(betaB) must be positive")
    }
}

/// The adversarial game of a run (keys `method`, `batch_size`, `latent_size`, `n_disc`,
/// `gp_weight`, `mixup_alpha`, `bgan_aggregation`, `reuse_complement`).
public struct AdversarialSettings: SettingsGroup {
    public enum AggregationKind: String, Codable, Sendable, CaseIterable { case logits, probabilities }

    public var method: AdversarialMethod
    public var batchSize = 64
    public var latentSize: Int
    /// n_disc: discriminator updates per generator update.
    public var discriminatorSteps: Int
    public var penaltyWeight: Float = 10
    public var mixupAlpha: Float = 1
    /// BGAN only: average the logits then the sigmoid (default), or average probabilities (A4.6).
    public var bganAggregation: AggregationKind = .logits
    /// Also train D on the complementary batch `m_{1−β}` (spec §3.3, step 6).
    public var reuseComplement = false

    public init(method: AdversarialMethod, latentSize: Int, discriminatorSteps: Int) {
        self.method = method
        self.latentSize = latentSize
        self.discriminatorSteps = discriminatorSteps
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, batchSize = "batch_size", latentSize = "latent_size", discriminatorSteps = "n_disc"
        case penaltyWeight = "gp_weight", mixupAlpha = "mixup_alpha", bganAggregation = "bgan_aggregation"
        case reuseComplement = "reuse_complement"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        switch key {
        case CodingKeys.method.rawValue: return AdversarialMethod.allCases.map(\.rawValue)
        case CodingKeys.bganAggregation.rawValue: return AggregationKind.allCases.map(\.rawValue)
        default: return nil
        }
    }

    public func validate() throws {
        for (name, value) in [("batch_size", batchSize), ("latent_size", latentSize), ("n_disc", discriminatorSteps)] {
            try requireSetting(value >= 1, "\(name) = \(value) must be ≥ 1")
        }
        try requireSetting(mixupAlpha > 0, "mixup_alpha = \(mixupAlpha) must be positive")
        try requireSetting(penaltyWeight >= 0, "gp_weight = \(penaltyWeight) must be ≥ 0")
    }
}

/// A run config that trains a generator against a discriminator: its settings groups, read
/// through it as if they were its own properties (`config.gamma`, `config.learningRate`).
@dynamicMemberLookup
public protocol AdversarialRunConfiguration: SettingsComposite, Equatable, Sendable {
    var schedule: TrainingSchedule { get set }
    var adversarial: AdversarialSettings { get set }
    var mixing: MixingPriorSettings { get set }
    var optimizer: OptimizerSettings { get set }
}

extension AdversarialRunConfiguration {
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<TrainingSchedule, T>) -> T {
        get { schedule[keyPath: keyPath] }
        set { schedule[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<AdversarialSettings, T>) -> T {
        get { adversarial[keyPath: keyPath] }
        set { adversarial[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<MixingPriorSettings, T>) -> T {
        get { mixing[keyPath: keyPath] }
        set { mixing[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<OptimizerSettings, T>) -> T {
        get { optimizer[keyPath: keyPath] }
        set { optimizer[keyPath: keyPath] = newValue }
    }

    /// The objective's settings.
    public var objectiveOptions: ObjectiveOptions {
        var options = ObjectiveOptions()
        options.prior = mixing.choice
        options.bganAggregation = adversarial.bganAggregation == .logits ? .averageLogits : .averageProbabilities
        options.reusesComplement = adversarial.reuseComplement
        options.mixupAlpha = adversarial.mixupAlpha
        options.penaltyWeight = adversarial.penaltyWeight
        return options
    }

    /// How the tables name the loss placement (the method's entry, given the options).
    public var lossPlacementLabel: String { adversarial.method.entry.lossPlacement(objectiveOptions) }

    /// The GAN procedure for `generator` against `discriminator` with this config's objective,
    /// sizes, optimiser and seed; `data` draws real batches.
    public func makeProcedure(generator: LatentGenerator, discriminator: any Layer,
                              data: @escaping BatchSource) throws -> TrainingProcedure {
        try AdversarialTraining.procedure(
            generator: generator, discriminator: discriminator, objective: adversarial.method.makeObjective(objectiveOptions),
            batchSize: adversarial.batchSize, discriminatorSteps: adversarial.discriminatorSteps, optimizer: optimizer,
            seed: schedule.seed, data: data)
    }
}
