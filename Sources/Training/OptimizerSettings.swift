import NeuralNet

/// One player's optimiser and step options (keys `optimizer`, `learning_rate`,
/// `adam_beta1`, `adam_beta2`, `weight_decay`, and, when set, `gradient_clip_norm`,
/// `lr_warmup_steps`, `lr_decay_per_step`, `averaging_decay`).
public struct OptimizerSettings: SettingsGroup {
    public enum Kind: String, Codable, Sendable, CaseIterable { case adam, adamax, sgd }

    public var optimizer: Kind = .adam
    public var learningRate: Float = 1e-3
    /// β₁ and β₂ of Adam and Adamax (SGD uses β₁ as its momentum).
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var weightDecay: Float = 0
    public var gradientClipNorm: Float?
    public var warmupSteps: Int?
    public var decayPerStep: Double?
    public var averagingDecay: Float?

    public init(optimizer: Kind = .adam, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case optimizer, learningRate = "learning_rate", beta1 = "adam_beta1", beta2 = "adam_beta2"
        case weightDecay = "weight_decay", gradientClipNorm = "gradient_clip_norm", warmupSteps = "lr_warmup_steps"
        case decayPerStep = "lr_decay_per_step", averagingDecay = "averaging_decay"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        key == CodingKeys.optimizer.rawValue ? Kind.allCases.map(\.rawValue) : nil
    }

    /// The optimiser of `module` with these settings.
    public func makeOptimizer(for module: Module) throws -> any Optimizer {
        switch optimizer {
        case .adam:
            return try Adam(for: module, learningRate: learningRate, beta1: beta1, beta2: beta2, weightDecay: weightDecay)
        case .adamax:
            return try Adamax(for: module, learningRate: learningRate, beta1: beta1, beta2: beta2, weightDecay: weightDecay)
        case .sgd:
            return try SGD(for: module, learningRate: learningRate, momentum: beta1, weightDecay: weightDecay)
        }
    }

    /// The step options: clipping, schedule, averaging.
    public var playerOptions: PlayerOptions {
        PlayerOptions(gradientClipNorm: gradientClipNorm,
                      schedule: LearningRateSchedule(warmupSteps: warmupSteps ?? 0, decayPerStep: decayPerStep ?? 1),
                      averagingDecay: averagingDecay)
    }

    public func validate() throws {
        try requireSetting(learningRate > 0 && learningRate.isFinite, "learning_rate = \(learningRate) must be positive")
        try requireSetting((0..<1).contains(beta1) && (0..<1).contains(beta2), "adam_beta1 and adam_beta2 must be in [0, 1)")
        try requireSetting(weightDecay >= 0, "weight_decay = \(weightDecay) must be ≥ 0")
        try requireSetting(gradientClipNorm.map { $0 > 0 } ?? true, "gradient_clip_norm must be positive")
        try requireSetting(warmupSteps.map { $0 >= 0 } ?? true, "lr_warmup_steps must be ≥ 0")
        try requireSetting(decayPerStep.map { $0 > 0 && $0 <= 1 } ?? true, "lr_decay_per_step must be in (0, 1]")
        try requireSetting(averagingDecay.map { $0 > 0 && $0 < 1 } ?? true, "averaging_decay must be in (0, 1)")
    }
}
