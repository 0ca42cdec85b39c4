import Adversarial
import Hybrid
import NeuralNet
import Training

/// The published 2D protocols as presets of a run's defaults (`mixedbatch train2d
/// --protocol pacgan`; a config file and the flags still override each setting): data,
/// networks, optimiser, batch size, budget and the evaluation of the paper the protocol
/// comes from. Each states, in `differences`, where our run still differs from the
/// published one.
///
/// Sources (read from the authors' public code, never copied): PacGAN — fjxmlzn/PacGAN,
/// `synthetic_data_experiments`; VEEGAN — akashgit/VEEGAN, `VEEGAN_2D_RING.ipynb` (it
/// trains the grid); mixup — hongyi-zhang/mixup, `gan/example_gan.py`, the toy GAN whose
/// data §4.5.1 names ("the synthetic dataset of Zhang et al."); BMS — its 2D setting is
/// "as VEEGAN" with a 32-d latent (spec §6.4), the rest lost (A6.2).
public enum MixtureProtocol: String, CaseIterable, Sendable {
    /// Our chapter 4 defaults (spec §3.7 data, §4.5.1 networks, batch 64).
    case thesisDefaults = "default"
    /// Lin et al. 2018, Table 1.
    case pacgan
    /// Srivastava et al. 2017, Table 1 (GAN baseline networks).
    case veegan
    /// Zhang et al. 2018's toy GAN: the data and setting §4.5.1 names for Fig. 4.3.
    case mixup
    /// The BMS paper's 2D table: VEEGAN's networks, a 32-d latent.
    case bms

    /// `config` with this protocol's settings (the method, seed and hybrid are kept; the BMS
    /// protocol also sets the code discriminator's size).
    public func apply(to config: MixtureRunConfig) -> MixtureRunConfig {
        var config = config
        switch self {
        case .thesisDefaults:
            let defaults = MixtureRunConfig()
            config.gan.schedule.iterations = defaults.iterations
            config.gan.adversarial.batchSize = defaults.batchSize
            config.gan.adversarial.latentSize = defaults.latentSize
            config.gan.adversarial.discriminatorSteps = defaults.discriminatorSteps
            config.gan.optimizer = defaults.gan.optimizer
            let dataset = config.dataset
            config.mixture = defaults.mixture
            config.dataset = dataset
        case .pacgan:
            Self.useLiteratureMixtures(&config)
            config.generatorWidth = 400; config.generatorDepth = 4; config.generatorBatchNorm = true
            config.discriminatorWidth = 200; config.discriminatorDepth = 3; config.maxoutPieces = 5
            config.discriminatorBatchNorm = false; config.activation = .relu
            config.latentSize = 2
            config.gan.optimizer = OptimizerSettings(learningRate: 1e-4, beta1: 0.8, beta2: 0.999)
            config.batchSize = 100
            config.discriminatorSteps = 1
            config.trainingSetSize = 100_000
            config.iterations = 400_000  // 400 epochs of 1,000 batches
            config.evaluationSamples = 2_500
        case .veegan, .bms:
            Self.useLiteratureMixtures(&config)
            config.generatorWidth = 128; config.generatorDepth = 2; config.generatorBatchNorm = false
            config.discriminatorWidth = 128; config.discriminatorDepth = 1; config.maxoutPieces = 1
            config.discriminatorBatchNorm = false; config.activation = .relu
            config.latentSize = self == .bms ? 32 : 254
            if self == .bms { config.codeWidth = 128; config.codeDepth = 3 }
            config.gan.optimizer = OptimizerSettings(learningRate: 1e-3, beta1: 0.5, beta2: 0.999)
            config.batchSize = 500
            config.discriminatorSteps = 1
            config.trainingSetSize = nil
            config.iterations = 100_000
            config.evaluationSamples = 2_500
        case .mixup:
            // Grid: 5 × 5 on {−1, −0.5, 0, 0.5, 1}², ring: 8 modes at radius 1; σ = 0.01 for both.
            let ring = config.dataset == "ring8" || config.dataset == "circles"
            config.dataset = ring ? "circles" : "squares"
            config.mixture.modes = nil
            config.mixture.spacing = ring ? 1 : 0.5
            config.mixture.std = 0.01
            config.width = 512; config.depth = 3
            config.generatorWidth = nil; config.generatorDepth = nil; config.discriminatorWidth = nil
            config.discriminatorDepth = nil; config.maxoutPieces = 1; config.activation = .relu
            config.generatorBatchNorm = false; config.discriminatorBatchNorm = false
            config.latentSize = 2
            config.gan.optimizer = OptimizerSettings(learningRate: 1e-3, beta1: 0.9, beta2: 0.999)
            config.batchSize = 128
            config.discriminatorSteps = 5
            config.trainingSetSize = nil
            config.iterations = 20_000
            config.evaluationSamples = 2_500
        }
        return config
    }

    /// The mode-collapse literature's grid and ring (VEEGAN, PacGAN, BMS): {−4, …, 4}² with
    /// spacing 2 and σ = 0.05, or 8 modes at radius 1 with σ = 0.01 (our `grid25`, `ring8`),
    /// picked by whether `config` asks for a ring.
    private static func useLiteratureMixtures(_ config: inout MixtureRunConfig) {
        config.dataset = config.dataset == "ring8" || config.dataset == "circles" ? "ring8" : "grid25"
        config.mixture.modes = nil
        config.mixture.spacing = nil
        config.mixture.std = nil
    }

    /// Where our run of this protocol still differs from the published one.
    public var differences: [String] {
        switch self {
        case .thesisDefaults:
            return ["the thesis gives no data layout, batch size or optimiser settings (spec A4.1–A4.2): ours are assumptions"]
        case .pacgan:
            return ["weights start from PyTorch's default initialisation, PacGAN's from N(0, 0.02²) with zero biases",
                    "the generator's hidden layers keep a bias before batch norm (PacGAN has none; batch norm cancels it)",
                    "batches are drawn from the 100,000 points with replacement, PacGAN's by epochs",
                    "batch norm's running statistics move with momentum 0.1 (PacGAN: 0.05)"]
        case .veegan:
            return ["VEEGAN's ring layout is not in its public code (its grid is); we use PacGAN's radius-1, σ = 0.01 ring",
                    "its generator's 254-d latent plus 1-d extra noise is one 254-d latent here"]
        case .mixup:
            return ["the script's mixup draws λ ~ U(0, α) per sample and its generator minimises the saturating loss; "
                        + "our mixup draws λ ~ Beta(α, α) and every generator uses the non-saturating loss"]
        case .bms:
            return ["T, α, β, the optimiser, the 2D code discriminator and the budget are lost (spec A6.2): ours are "
                        + "T ∈ {3, 10} (SCALE=paper: {5, 10, 30}), α = β = λ = 1, VEEGAN's Adam(10⁻³, β₁ = 0.5), batch 500 and 100,000 iterations "
                        + "(SCALE=paper), and a code discriminator of 3 × 128 ReLU units (the paper's 3 × 750 is its "
                        + "image setting)"]
        }
    }
}
