/// The auto-encoding GAN hybrids of the BMS paper's tables (spec §6.2): one mechanism — an
/// encoder q(z|x), a generator G, optionally an image critic and a code discriminator —
/// whose members differ only in their components (`HybridComponents`). Adding a hybrid is a
/// case here and its components in `components`.
public enum HybridModel: String, CaseIterable, Codable, Sendable {
    /// BMS-VAE-GAN (spec §6.3 [B 7]): best of T reconstructions, Lipschitz critic with the
    /// least realistic of the T samples, code-discriminator KL.
    case bms
    /// BMS-VAE: best of T reconstructions and the code-discriminator KL; no synthetic likelihood.
    case bmsVAE = "bms-vae"
    /// α-GAN (Rosca et al. 2017): mean reconstruction, classifier log-ratio, code-discriminator KL.
    case alphaGAN = "alpha-gan"
    /// α-GAN + SN: α-GAN with the spectrally normalised critic trained by the hinge loss.
    case alphaGANSN = "alpha-gan-sn"
    /// WAE-GAN (Tolstikhin et al. 2018): squared-ℓ2 reconstruction, adversarial (JS) penalty
    /// on the aggregate posterior; no synthetic likelihood.
    case wae
    /// A VAE-GAN: a VAE (analytic KL) whose generator also fools a classifier.
    case vaeGAN = "vae-gan"

    /// The model's name in tables.
    public var displayName: String {
        switch self {
        case .bms: return "BMS-VAE-GAN"
        case .bmsVAE: return "BMS-VAE"
        case .alphaGAN: return "α-GAN"
        case .alphaGANSN: return "α-GAN + SN"
        case .wae: return "WAE"
        case .vaeGAN: return "VAE-GAN"
        }
    }

    public var components: HybridComponents {
        switch self {
        case .bms: return HybridComponents(reconstruction: .l1, aggregation: .best, synthetic: .lipschitzCritic,
                                           prior: .codeDiscriminatorKL)
        case .bmsVAE: return HybridComponents(reconstruction: .l1, aggregation: .best, synthetic: .none,
                                              prior: .codeDiscriminatorKL)
        case .alphaGAN: return HybridComponents(reconstruction: .l1, aggregation: .mean, synthetic: .classifier,
                                                prior: .codeDiscriminatorKL)
        case .alphaGANSN: return HybridComponents(reconstruction: .l1, aggregation: .mean, synthetic: .lipschitzCritic,
                                                  prior: .codeDiscriminatorKL)
        case .wae: return HybridComponents(reconstruction: .squaredL2, aggregation: .mean, synthetic: .none,
                                           prior: .codeDiscriminatorJS)
        case .vaeGAN: return HybridComponents(reconstruction: .squaredL2, aggregation: .mean, synthetic: .classifier,
                                              prior: .analyticKL)
        }
    }

    /// Whether T > 1 changes the model (best-of-T); the mean over T of the others is only a
    /// lower-variance estimate of their T = 1 objective.
    public var usesBestOfMany: Bool { components.aggregation == .best }
}

/// What distinguishes one hybrid from another.
public struct HybridComponents: Equatable, Sendable, CustomStringConvertible {
    /// The reconstruction log-likelihood ln p(x | ẑ) up to a constant, per point.
    public enum Reconstruction: String, Sendable {
        /// Laplace: −‖x − x̂‖₁ (α-GAN's and BMS' ℓ1 term).
        case l1
        /// Gaussian: −‖x − x̂‖₂² (WAE's cost, a VAE's unit-variance Gaussian ×2).
        case squaredL2 = "squared-l2"
    }

    /// How the T per-sample reconstruction terms of one point combine.
    public enum SampleAggregation: String, Sendable {
        /// (1/T) Σ_t: the ordinary Monte-Carlo estimate of E_q[ln p(x|z)].
        case mean
        /// max_t: the best-of-many term of [B 7]; its gradient reaches only the best sample.
        case best
    }

    /// The synthetic likelihood ratio ln p*(x)/p_θ(x) of the generated points.
    public enum SyntheticLikelihood: String, Sendable {
        case none
        /// A classifier's logit ln D/(1 − D), the classifier trained by cross-entropy (α-GAN).
        case classifier
        /// A spectrally normalised critic's output, trained by the hinge loss; the generator
        /// takes the least realistic of the T samples when aggregation is `best` ([B 6–7]).
        case lipschitzCritic = "lipschitz-critic"
    }

    /// How q(z|x) is pulled towards the prior p(z) = N(0, I).
    public enum PriorMatching: String, Sendable {
        /// KL(q ‖ p) ≈ E_q[−C(z)], C the code discriminator's logit of "drawn from p(z)"
        /// (optimal C = ln p(z)/q(z)): α-GAN's and BMS' estimate.
        case codeDiscriminatorKL = "code-kl"
        /// E_q[−ln σ(C(z))]: WAE-GAN's non-saturating adversarial penalty.
        case codeDiscriminatorJS = "code-js"
        /// The closed-form KL of the diagonal Gaussian posterior to N(0, I).
        case analyticKL = "analytic-kl"

        public var usesCodeDiscriminator: Bool { self != .analyticKL }
    }

    public var reconstruction: Reconstruction
    public var aggregation: SampleAggregation
    public var synthetic: SyntheticLikelihood
    public var prior: PriorMatching

    /// e.g. `reconstruction l1, best of T, synthetic lipschitz-critic, prior code-kl` (manifests).
    public var description: String {
        "reconstruction \(reconstruction.rawValue), \(aggregation == .best ? "best" : "mean") of T, "
            + "synthetic \(synthetic.rawValue), prior \(prior.rawValue)"
    }

    public init(reconstruction: Reconstruction, aggregation: SampleAggregation, synthetic: SyntheticLikelihood,
                prior: PriorMatching) {
        self.reconstruction = reconstruction
        self.aggregation = aggregation
        self.synthetic = synthetic
        self.prior = prior
    }
}
