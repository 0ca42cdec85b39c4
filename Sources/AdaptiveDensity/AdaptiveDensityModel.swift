import Distributions
import Flows
import NeuralNet
import TensorCore
import Training
import Variational

/// Adaptive density estimation (thesis chapter 5, spec §4.3): a latent-variable model `p_θ`
/// (a top-down hierarchical VAE with a factorised Gaussian observation of learned isotropic σ)
/// in the feature space of an invertible map `f_ψ` (a Real-NVP), so that
///
///     ln p_{θ,ψ}(x) = ln p_θ(f_ψ(x)) + ln |det ∂f_ψ(x)/∂x|,
///
/// and the feature-space ELBO plus the log-determinant bounds `ln p_{θ,ψ}(x)` (Eq. 5.5: `−L_C`
/// per image). Without `featureMap` the VAE works in pixel space (the VAE, AV-GDE and GAN rows
/// of Table 5.1). Images are dequantised pixels in [0, 1), `[B, C, H, W]`.
///
/// As a `VariationalModel` its passes add the log-determinant to the reconstruction term, so the
/// ELBO, the IWAE bound and `logLikelihood` are bounds on the image-space density; as a
/// `DifferentiableSampler` it draws `x = f_ψ⁻¹(μ_θ(z))` (Eq. 5.6) or, with `noisySamples`,
/// `f_ψ⁻¹(μ_θ(z) + σε)` (Algorithm 1, ambiguity A5.3), recording the graph.
public final class AdaptiveDensityModel: Module, VariationalModel, DifferentiableSampler {
    /// `f_ψ`; nil: the VAE models pixels directly.
    public let featureMap: (any Bijection)?
    /// `p_θ` and its encoder `q_φ`, on features of the image's shape.
    public let vae: TopDownVAE
    public let imageShape: [Int]
    /// Samples for the adversarial loss carry the observation noise (Algorithm 1) or are the
    /// decoder's means (Eq. 5.6).
    public var noisySamples: Bool
    /// While false (the default, App. A: "f_ψ is trained only with the likelihood loss"), the
    /// map's parameters are detached in `generate`, so an adversarial loss through f_ψ⁻¹ reaches θ
    /// but not ψ.
    public var adversarialLossTrainsFeatureMap: Bool
    /// ψ's parameters, listed once (a `ParameterGroup` is not reflected: no double listing).
    private let featureParameters: ParameterGroup
    public var evaluationSamples: Int {
        get { vae.evaluationSamples }
        set { vae.evaluationSamples = newValue }
    }

    public init(featureMap: (any Bijection)?, vae: TopDownVAE, noisySamples: Bool = true,
                adversarialLossTrainsFeatureMap: Bool = false) throws {
        guard vae.observation is GaussianObservation else {
            throw TrainingError.invalidSetting("adaptive density estimation needs the VAE's Gaussian observation (a learned σ)")
        }
        self.featureMap = featureMap
        self.vae = vae
        imageShape = vae.imageShape
        self.noisySamples = noisySamples
        self.adversarialLossTrainsFeatureMap = adversarialLossTrainsFeatureMap
        featureParameters = ParameterGroup(featureMap?.namedParameters.map(\.parameter) ?? [])
        super.init()
    }

    /// `σ` of the feature-space observation.
    public var observationLogSigma: Tensor { (vae.observation as! GaussianObservation).logSigma }

    /// `f_ψ(x)` and `ln |det ∂f_ψ/∂x|` per row (the identity and 0 without a map).
    public func features(_ x: Tensor) throws -> (features: Tensor, logDeterminant: Tensor) {
        guard let featureMap else { return (x, .zeros([x.shape[0]])) }
        let (y, logDeterminant) = try featureMap.forward(x)
        return (y, logDeterminant)
    }

    /// The VAE's passes over `f_ψ(x)`, each reconstruction term plus the log-determinant.
    public func passes(_ x: Tensor, count: Int, random: inout RandomStream, _ body: (VariationalPass) throws -> Void) throws {
        let (y, logDeterminant) = try features(x)
        try vae.passes(y, count: count, random: &random) { pass in
            try body(VariationalPass(reconstruction: try pass.reconstruction + logDeterminant, groups: pass.groups))
        }
    }

    /// `f_ψ⁻¹(μ_θ(z))` (+ σε in feature space when `noisySamples`) for prior draws, recording the
    /// graph; ψ is detached unless `adversarialLossTrainsFeatureMap`.
    public func generate(count: Int, random: inout RandomStream) throws -> Tensor {
        var y = try vae.generate(count: count, random: &random)
        if noisySamples { y = try y + exp(observationLogSigma) * random.batchNormal(y.shape) }
        guard let featureMap else { return y }
        if adversarialLossTrainsFeatureMap { return try featureMap.inverse(y) }
        return try featureParameters.frozen { try featureMap.inverse(y) }
    }

    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try generate(count: count, random: &random) }
    }
}
