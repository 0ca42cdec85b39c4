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
        try requireCounts(["batch_size": batchSize, "latent_size": latentSize], in: SettingBounds.units)
        try requireCounts(["n_disc": discriminatorSteps], in: SettingBounds.layers)
        try requireSetting(mixupAlpha > 0, "mixup_alpha = \(mixupAlpha) must be positive")
        try requireSetting(penaltyWeight >= 0, "gp_weight = \(penaltyWeight) must be ≥ 0")
    }
}

/// The settings every adversarial run shares, read from and written to the run config's flat
/// JSON object: schedule, game, mixing prior, optimiser (both players') and evaluation.
public struct AdversarialRunSettings: Codable, Equatable, Sendable {
    public var schedule: TrainingSchedule
    public var adversarial: AdversarialSettings
    public var mixing = MixingPriorSettings()
    public var optimizer: OptimizerSettings
    public var evaluation: EvaluationSettings

    public init(schedule: TrainingSchedule, adversarial: AdversarialSettings, optimizer: OptimizerSettings,
                evaluation: EvaluationSettings) {
        self.schedule = schedule
        self.adversarial = adversarial
        self.optimizer = optimizer
        self.evaluation = evaluation
    }

    /// The groups' types, in the order they are decoded.
    public static let groups: [any SettingsGroup.Type] = [
        TrainingSchedule.self, AdversarialSettings.self, MixingPriorSettings.self, OptimizerSettings.self,
        EvaluationSettings.self,
    ]

    public init(from decoder: any Decoder) throws {
        schedule = try TrainingSchedule(from: decoder)
        adversarial = try AdversarialSettings(from: decoder)
        mixing = try MixingPriorSettings(from: decoder)
        optimizer = try OptimizerSettings(from: decoder)
        evaluation = try EvaluationSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try schedule.encode(to: encoder)
        try adversarial.encode(to: encoder)
        try mixing.encode(to: encoder)
        try optimizer.encode(to: encoder)
        try evaluation.encode(to: encoder)
    }

    public func validate() throws {
        for group in [schedule, adversarial, mixing, optimizer, evaluation] as [any SettingsGroup] { try group.validate() }
    }
}

/// A run config that trains a generator against a discriminator: the shared settings `gan`
/// and its family's own group, each setting read through the config as if it were its own
/// property (`config.gamma`, `config.learningRate`).
@dynamicMemberLookup
public protocol AdversarialRunConfiguration: SettingsComposite, Equatable, Sendable {
    var gan: AdversarialRunSettings { get set }
}

extension AdversarialRunConfiguration {
    public var schedule: TrainingSchedule { gan.schedule }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<TrainingSchedule, T>) -> T {
        get { gan.schedule[keyPath: keyPath] }
        set { gan.schedule[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<AdversarialSettings, T>) -> T {
        get { gan.adversarial[keyPath: keyPath] }
        set { gan.adversarial[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<MixingPriorSettings, T>) -> T {
        get { gan.mixing[keyPath: keyPath] }
        set { gan.mixing[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<OptimizerSettings, T>) -> T {
        get { gan.optimizer[keyPath: keyPath] }
        set { gan.optimizer[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<EvaluationSettings, T>) -> T {
        get { gan.evaluation[keyPath: keyPath] }
        set { gan.evaluation[keyPath: keyPath] = newValue }
    }

    /// The objective's settings.
    public var objectiveOptions: ObjectiveOptions {
        var options = ObjectiveOptions()
        let adversarial = gan.adversarial
        options.prior = gan.mixing.choice
        options.bganAggregation = adversarial.bganAggregation == .logits ? .averageLogits : .averageProbabilities
        options.reusesComplement = adversarial.reuseComplement
        options.mixupAlpha = adversarial.mixupAlpha
        options.penaltyWeight = adversarial.penaltyWeight
        return options
    }

    /// How the tables name the loss placement (the method's entry, given the options).
    public var lossPlacementLabel: String { gan.adversarial.method.entry.lossPlacement(objectiveOptions) }

    /// The GAN procedure for `generator` against `discriminator` with this config's objective,
    /// sizes, optimiser and seed; `data` draws real batches; `group` shards each batch over
    /// its processes (data parallelism, `AdversarialTraining`).
    public func makeProcedure(generator: LatentGenerator, discriminator: any Layer,
                              group: any ProcessGroup = DataParallel.world,
                              data: @escaping BatchSource) throws -> TrainingProcedure {
        try AdversarialTraining.procedure(
            generator: generator, discriminator: discriminator, objective: gan.adversarial.method.makeObjective(objectiveOptions),
            batchSize: gan.adversarial.batchSize, discriminatorSteps: gan.adversarial.discriminatorSteps,
            optimizer: gan.optimizer, seed: gan.schedule.seed, group: group, data: data)
    }
}
