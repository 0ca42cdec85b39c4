import Distributions
import NeuralNet
import TensorCore

/// The objective of a hybrid (spec §6.3): what the encoder–generator pair, the image critic
/// and the code discriminator each minimise on a real batch `x` `[B, …]` (points `[B, D]` or
/// images `[B, C, H, W]`; the reconstruction term sums over every axis but the first).
///
/// The encoder–generator pair maximises, with T posterior samples ẑ_t ~ q(z|x) and B prior
/// samples z'_b ~ N(0, I),
///
///     β · A_t ln p(x | ẑ_t)  +  α · ½ (mean_b A'_t D(G(ẑ_t)) + mean_b D(G(z'_b)))  −  λ · R(q),
///
/// where A is the mean over t, or the max for the best-of-many term ([B 7]); A' is the mean,
/// or the min (the least realistic sample) for BMS; D is the critic's output, read as the
/// log density ratio ln p*(x)/p_θ(x) (a classifier's logit for α-GAN); R is the
/// code-discriminator KL estimate E_q[−C(z)], WAE's E_q[−ln σ(C(z))] or the analytic KL.
/// For BMS this is [B 7]: `β max_t ln p(x|ẑ_t) + α min_t D(G(ẑ_t)) − KL` (plus the prior
/// samples' term, which the paper's text leaves implicit: we include it, as α-GAN does).
///
/// The critic separates x (real) from detached reconstructions G(ẑ) (one posterior sample
/// per point: any sample of q shows it the reconstructions' distribution) and prior samples
/// G(z') (fake, half weight each): hinge loss for the Lipschitz critic, cross-entropy
/// for the classifier. The code discriminator separates prior draws (label 1) from detached
/// posterior samples (label 0) by cross-entropy; it and the prior term see one posterior
/// sample per point.
public struct HybridObjective: Sendable {
    public var components: HybridComponents
    /// T: posterior samples per point (≥ 1).
    public var samples: Int
    /// α: the synthetic likelihood's weight.
    public var alpha: Float
    /// β: the reconstruction term's weight.
    public var beta: Float
    /// λ: the prior-matching term's weight.
    public var latentWeight: Float

    public init(components: HybridComponents, samples: Int = 1, alpha: Float = 1, beta: Float = 1,
                latentWeight: Float = 1) throws {
        guard samples >= 1 else { throw TensorError.invalidArgument(operation: "HybridObjective", detail: "samples T must be ≥ 1") }
        guard [alpha, beta, latentWeight].allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw TensorError.invalidArgument(operation: "HybridObjective",
                                              detail: "alpha, beta and latent_weight must be finite and ≥ 0")
        }
        self.components = components
        self.samples = samples
        self.alpha = alpha
        self.beta = beta
        self.latentWeight = latentWeight
    }

    /// The encoder–generator pair's loss (the negative of the objective above) and its terms
    /// (`reconstruction`: the aggregated ln p(x|ẑ); `synthetic`; `prior`).
    public func modelLoss(_ networks: HybridNetworks, real x: Tensor, random: inout RandomStream) throws
        -> (loss: Tensor, metrics: [String: Float]) {
        guard x.rank >= 2, x.shape[0] > 0 else {
            throw TensorError.invalidShape(operation: "HybridObjective.modelLoss", shape: x.shape,
                                           expected: "a real batch [B, …] with B ≥ 1 (points [B, D] or images [B, C, H, W])")
        }
        let model = networks.model
        let batch = x.shape[0], dataSize = x.count / batch
        let posterior = try model.posteriorSamples(x, count: samples, random: &random)
        let flatCodes = try posterior.samples.reshaped([batch * samples, model.latentSize])
        let reconstructions = try model.generator(flatCodes)
        let logLikelihoods = try HybridLosses.reconstructionLogLikelihood(
            x.reshaped([batch, dataSize]), reconstructions.reshaped([batch, samples, dataSize]), kind: components.reconstruction)
        let reconstruction = try HybridLosses.aggregate(logLikelihoods, components.aggregation).mean()
        var loss = -beta * reconstruction
        var metrics = ["reconstruction": reconstruction.scalar]

        if let critic = networks.critic {
            let scores = try critic(reconstructions).reshaped([batch, samples])
            let worst = components.synthetic == .lipschitzCritic && components.aggregation == .best
                ? try scores.min(alongAxis: 1) : try scores.mean(alongAxes: [1])
            let priorScores = try critic(model.generator(random.batchNormal([batch, model.latentSize])))
            let synthetic = try 0.5 * (worst.mean() + priorScores.mean())
            loss = try loss - alpha * synthetic
            metrics["synthetic"] = synthetic.scalar
        }

        // The prior term is E_q over x: one posterior sample per point estimates it (all T
        // would multiply the code discriminator's cost by T for no change in expectation).
        let prior: Tensor
        if let code = networks.codeDiscriminator {
            let firstSamples = try posterior.samples.narrowed(axis: 1, start: 0, length: 1).reshaped([batch, model.latentSize])
            prior = try HybridLosses.codePenalty(code(firstSamples), components.prior)
        } else {
            prior = try DiagonalGaussian(mean: posterior.mean, logStd: posterior.logStd)
                .kl(to: .standard(posterior.mean.shape)).mean()
        }
        metrics["prior"] = prior.scalar
        return (try loss + latentWeight * prior, metrics)
    }

    /// The image critic's loss on `x` against detached reconstructions and prior samples.
    public func criticLoss(_ networks: HybridNetworks, real x: Tensor, random: inout RandomStream) throws -> Tensor {
        guard let critic = networks.critic else {
            throw TensorError.invalidArgument(operation: "HybridObjective.criticLoss", detail: "this hybrid has no critic")
        }
        let model = networks.model
        let fakes = try withoutGradient {
            let codes = try model.posteriorSamples(x, count: 1, random: &random).samples
            let reconstructions = try model.generator(codes.reshaped([x.shape[0], model.latentSize]))
            return (reconstructions, try model.generator(random.batchNormal([x.shape[0], model.latentSize])))
        }
        let real = try critic(x), reconstructed = try critic(fakes.0), generated = try critic(fakes.1)
        switch components.synthetic {
        case .lipschitzCritic:
            return try 0.5 * (HybridLosses.hinge(real: real, fake: reconstructed) + HybridLosses.hinge(real: real, fake: generated))
        default:
            return try 0.5 * (HybridLosses.crossEntropy(real: real, fake: reconstructed)
                              + HybridLosses.crossEntropy(real: real, fake: generated))
        }
    }

    /// The code discriminator's loss: B prior draws (label 1) against one detached posterior
    /// sample per point.
    public func codeLoss(_ networks: HybridNetworks, real x: Tensor, random: inout RandomStream) throws -> Tensor {
        guard let code = networks.codeDiscriminator else {
            throw TensorError.invalidArgument(operation: "HybridObjective.codeLoss", detail: "this hybrid has no code discriminator")
        }
        let model = networks.model
        let posterior = try withoutGradient {
            try model.posteriorSamples(x, count: 1, random: &random).samples.reshaped([x.shape[0], model.latentSize])
        }
        let prior = try random.batchNormal([x.shape[0], model.latentSize])
        return try HybridLosses.crossEntropy(real: code(prior), fake: code(posterior))
    }
}
