import TensorCore

/// The methods compared in chapter 4 (spec §3.2 and the mode-collapse baselines). Each is
/// an objective (`makeObjective`) and a discriminator architecture chosen by the model
/// builders of `GenerativeModels`; all share one training loop.
public enum AdversarialMethod: String, CaseIterable, Codable, Sendable {
    /// Per-sample discriminator, non-saturating loss.
    case gan
    /// Per-sample discriminator trained on real/generated interpolations.
    case mixup
    /// Equivariant discriminator, mixed batches, one prediction per batch (Eq. 4.13);
    /// γ = 0 gives pure batches (Eq. 4.1).
    case bgan
    /// Equivariant discriminator, mixed batches, loss per sample then averaged (Eq. 4.14).
    case mbgan
    /// Minibatch discrimination (Salimans et al. 2016) before the output layer.
    case minibatchDiscrimination = "minibatch-discrimination"
    /// Minibatch standard deviation (Karras et al. 2018) before the last hidden layer.
    case minibatchStddev = "minibatch-stddev"
    /// PacGAN (Lin et al. 2018): m samples packed into one discriminator input.
    case pacgan
    /// WGAN with gradient penalty (Gulrajani et al. 2017).
    case wganGP = "wgan-gp"
    /// The standard (non-saturating) loss with WGAN-GP's gradient penalty: Table 4.1's "GP".
    case ganGP = "gan-gp"

    /// Whether the discriminator sees mixed batches (BGAN, M-BGAN).
    public var usesMixedBatches: Bool { self == .bgan || self == .mbgan }
}

/// The knobs of the objectives; each method reads the ones it needs.
public struct ObjectiveOptions: Equatable, Sendable {
    /// The mixing prior of BGAN / M-BGAN.
    public var prior: MixingPriorChoice = .batchSmoothing(gamma: 0.3)
    /// How BGAN reduces the per-sample outputs (A4.6); M-BGAN ignores it.
    public var bganAggregation: BatchAggregation = .averageLogits
    /// Train the discriminator on the complementary batch too (spec §3.3, step 6).
    public var reusesComplement = false
    /// α of mixup's Beta(α, α).
    public var mixupAlpha: Float = 1
    /// λ of the gradient penalty (WGAN-GP, GAN-GP).
    public var penaltyWeight: Float = 10

    public init() {}
}

/// A mixing prior given by value (configs, tables), turned into a `MixingPrior` on demand.
public enum MixingPriorChoice: Equatable, Sendable {
    case batchSmoothing(gamma: Float)
    case beta(a: Float, b: Float)

    public func makePrior() throws -> any MixingPrior {
        switch self {
        case let .batchSmoothing(gamma): return try BatchSmoothingPrior(gamma: gamma)
        case let .beta(a, b): return try BetaPrior(a: a, b: b)
        }
    }
}

extension AdversarialMethod {
    /// The objective of this method with `options`.
    public func makeObjective(_ options: ObjectiveOptions = ObjectiveOptions()) throws -> any AdversarialObjective {
        switch self {
        case .gan:
            return NonSaturatingObjective(scoresJointly: true)  // its discriminator is per-sample
        case .minibatchDiscrimination, .minibatchStddev, .pacgan:
            return NonSaturatingObjective()  // batch-aware: each batch is judged alone
        case .mixup:
            return try MixupObjective(alpha: options.mixupAlpha)
        case .bgan:
            return MixedBatchObjective(prior: try options.prior.makePrior(), placement: .bgan(options.bganAggregation),
                                       reusesComplement: options.reusesComplement)
        case .mbgan:
            return MixedBatchObjective(prior: try options.prior.makePrior(), placement: .mbgan,
                                       reusesComplement: options.reusesComplement)
        case .wganGP:
            return try WassersteinGPObjective(penaltyWeight: options.penaltyWeight, scoresJointly: true)
        case .ganGP:
            return try GradientPenaltyObjective(base: NonSaturatingObjective(scoresJointly: true),
                                                penaltyWeight: options.penaltyWeight)
        }
    }
}
