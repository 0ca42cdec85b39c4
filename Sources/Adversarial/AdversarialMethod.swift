import TensorCore

/// The adversarial methods of the framework (chapter 4, spec §3.2, and the mode-collapse
/// baselines). Each is one entry of the catalogue below — its objective, its discriminator
/// forms for vectors and images, its names in tables — and all share one training procedure
/// (`AdversarialTraining`). Adding a method is a case here and its entry in `entry`.
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

    /// The method's catalogue entry.
    public var entry: AdversarialMethodEntry {
        switch self {
        case .gan:
            return AdversarialMethodEntry(name: "GAN", vector: .perceptron, image: .perSample) { _ in
                NonSaturatingObjective(scoresJointly: true)  // its discriminator is per-sample
            }
        case .mixup:
            return AdversarialMethodEntry(name: "mixup GAN", vector: .perceptron, image: nil) { options in
                try MixupObjective(alpha: options.mixupAlpha)
            }
        case .bgan:
            return AdversarialMethodEntry(name: "BGAN", vector: .equivariant, image: .equivariant, mixedBatches: true,
                                          lossPlacement: { $0.bganAggregation == .averageLogits
                                              ? "batch: sigmoid(mean logit)" : "batch: mean sigmoid" }) { options in
                MixedBatchObjective(prior: try options.prior.makePrior(), placement: .bgan(options.bganAggregation),
                                    reusesComplement: options.reusesComplement)
            }
        case .mbgan:
            return AdversarialMethodEntry(name: "M-BGAN", vector: .equivariant, image: .equivariant, mixedBatches: true,
                                          lossPlacement: { _ in "per-sample, then mean" }) { options in
                MixedBatchObjective(prior: try options.prior.makePrior(), placement: .mbgan,
                                    reusesComplement: options.reusesComplement)
            }
        case .minibatchDiscrimination:
            return AdversarialMethodEntry(name: "minibatch discrimination", vector: .minibatchDiscrimination,
                                          image: .minibatchDiscrimination) { _ in
                NonSaturatingObjective()  // batch-aware: each batch is judged alone
            }
        case .minibatchStddev:
            return AdversarialMethodEntry(name: "minibatch stddev", vector: .minibatchStddev, image: nil) { _ in
                NonSaturatingObjective()
            }
        case .pacgan:
            return AdversarialMethodEntry(name: "PacGAN (m = 2)", vector: .packing, image: nil,
                                          lossPlacement: { _ in "per-pack" }) { _ in NonSaturatingObjective() }
        case .wganGP:
            return AdversarialMethodEntry(name: "WGAN-GP", vector: .perceptron, image: .perSample) { options in
                try WassersteinGPObjective(penaltyWeight: options.penaltyWeight, scoresJointly: true)
            }
        case .ganGP:
            return AdversarialMethodEntry(name: "GAN-GP", vector: .perceptron, image: .perSample) { options in
                try GradientPenaltyObjective(base: NonSaturatingObjective(scoresJointly: true),
                                             penaltyWeight: options.penaltyWeight)
            }
        }
    }

    /// Whether the discriminator sees mixed batches (BGAN, M-BGAN).
    public var usesMixedBatches: Bool { entry.usesMixedBatches }

    /// The objective of this method with `options`.
    public func makeObjective(_ options: ObjectiveOptions = ObjectiveOptions()) throws -> any AdversarialObjective {
        try entry.makeObjective(options)
    }

    /// The methods that have an image discriminator.
    public static var imageMethods: [AdversarialMethod] { allCases.filter { $0.entry.imageDiscriminator != nil } }
}

/// Everything the framework needs to know about one adversarial method.
public struct AdversarialMethodEntry: Sendable {
    /// The method's name in tables (`GAN`, `M-BGAN`, `minibatch discrimination`).
    public let name: String
    /// The discriminator it trains on vector data.
    public let vectorDiscriminator: VectorDiscriminatorForm
    /// The discriminator it trains on images, or nil when it has no image form.
    public let imageDiscriminator: ConvolutionalDiscriminatorForm?
    /// Whether the discriminator sees mixed batches (BGAN, M-BGAN).
    public let usesMixedBatches: Bool
    /// How the tables describe where the loss is taken.
    public let lossPlacement: @Sendable (ObjectiveOptions) -> String
    public let makeObjective: @Sendable (ObjectiveOptions) throws -> any AdversarialObjective

    public init(name: String, vector: VectorDiscriminatorForm, image: ConvolutionalDiscriminatorForm?,
                mixedBatches: Bool = false, lossPlacement: @escaping @Sendable (ObjectiveOptions) -> String = { _ in "per-sample" },
                objective: @escaping @Sendable (ObjectiveOptions) throws -> any AdversarialObjective) {
        self.name = name
        vectorDiscriminator = vector
        imageDiscriminator = image
        usesMixedBatches = mixedBatches
        self.lossPlacement = lossPlacement
        makeObjective = objective
    }
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
