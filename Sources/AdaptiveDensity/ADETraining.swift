import Adversarial
import Flows
import Foundation
import NeuralNet
import TensorCore
import Training
import Variational

extension AdaptiveDensityModel {
    /// The model of `settings` for images of `imageShape` (Table 5.1's row `settings.variant`):
    /// f_ψ a one-scale Real-NVP when the variant has it, the top-down VAE with a Gaussian
    /// observation (learned isotropic σ, initial σ = e⁻²); with `compensate_parameters` a model
    /// with f_ψ gets the widest VAE whose total stays within the pixel-space VAE's parameters (†),
    /// but at least half as wide.
    public static func make(_ settings: ADESettings, imageShape: [Int], random: inout RandomStream) throws -> AdaptiveDensityModel {
        func vae(features: Int, random: inout RandomStream) throws -> TopDownVAE {
            try TopDownVAE(imageShape: imageShape, groups: settings.groups, features: features,
                           latentChannels: settings.latentChannels, observation: GaussianObservation(logSigma: -2),
                           scaling: .unit, posteriorFlow: settings.posteriorFlow, random: &random)
        }
        var featureMap: (any Bijection)?
        var features = settings.generatorFeatures
        if settings.variant.hasFeatureMap {
            let shape = FlowArchitectures.RealNVPShape(scales: settings.flowScales, residualBlocks: settings.flowResidualBlocks,
                                                       features: settings.flowFeatures, finalCouplings: settings.flowCouplings,
                                                       normalization: settings.flowNormalization)
            let flow = try FlowArchitectures.realNVP(imageShape: imageShape, shape: shape, random: &random).flow
            featureMap = flow
            if settings.compensateParameters {
                var trial = RandomStream(seed: 0).split("parameter-count")
                let budget = try vae(features: settings.generatorFeatures, random: &trial).parameterCount
                // Never below half the channels: a small VAE cannot give back a large f_ψ's
                // parameters (the counts are reported either way).
                while features > max(1, settings.generatorFeatures / 2),
                      try vae(features: features, random: &trial).parameterCount + flow.parameterCount > budget {
                    features -= 1
                }
            }
        }
        return try AdaptiveDensityModel(featureMap: featureMap, vae: vae(features: features, random: &random),
                                        noisySamples: settings.noisySamples,
                                        adversarialLossTrainsFeatureMap: settings.qualityTrainsFeatureMap)
    }
}

/// The hybrid training of chapter 5 (App. A.3, Algorithm 1; spec §4.3–4.4) as a procedure:
///
/// - `discriminator` (variants with L_Q; one step per generator step): the standard GAN
///   classification loss on real images and detached samples plus `penalty_weight` times the
///   gradient penalty on interpolates (`GradientPenaltyObjective` over `NonSaturatingObjective`);
/// - `generator` (the whole model: θ, φ, σ, ψ): `L_C + w·L_Q` with
///   `L_C = E[−ELBO(f_ψ(x)) − ln |det ∂f_ψ/∂x|]` (Eq. 5.5, nats per image) and Sønderby's
///   `L_Q = −E[ln D(x̃) − ln(1 − D(x̃))]` (Eq. 5.6; the discriminator gives logits, so this is
///   minus the mean logit) on samples `x̃` of `generate` — whose f_ψ⁻¹ is detached unless
///   `quality_trains_feature_map`, so that ψ follows L_C only.
///
/// Metrics: `generator.coverage` (L_C), `generator.quality` (L_Q), `discriminator.loss`.
public enum ADETraining {
    public static let streams = ["posterior", "latent", "objective"]

    public static func procedure(model: AdaptiveDensityModel, discriminator: (any Layer & Module)?, settings: ADESettings,
                                 optimizer: OptimizerSettings, seed: UInt64, group: any ProcessGroup = DataParallel.world,
                                 data: @escaping BatchSource) throws -> TrainingProcedure {
        let variant = settings.variant, weight = settings.qualityWeight, batchSize = settings.batchSize
        var players: [Player] = []
        if variant.trainsQuality {
            guard let discriminator else { throw TrainingError.invalidSetting("\(variant.label) needs a discriminator") }
            let objective = try GradientPenaltyObjective(base: NonSaturatingObjective(), penaltyWeight: settings.penaltyWeight)
            players.append(try Player(name: "discriminator", module: discriminator,
                                      optimizer: optimizer.makeOptimizer(for: discriminator),
                                      options: optimizer.playerOptions) { batch, streams in
                let generated = try streams.with("latent") { random in
                    try withoutGradient { try model.generate(count: batch.inputs.shape[0], random: &random) }
                }
                return PlayerLoss(try streams.with("objective") { random in
                    try objective.discriminatorLoss(discriminator, real: batch.inputs, generated: generated, random: &random)
                })
            })
        }
        players.append(try Player(name: "generator", module: model, optimizer: optimizer.makeOptimizer(for: model),
                                  options: optimizer.playerOptions) { batch, streams in
            var loss = Tensor(0)
            var metrics: [String: Float] = [:]
            if variant.trainsCoverage {
                let coverage = try streams.with("posterior") { random in
                    try -model.pass(batch.inputs, random: &random).elbo().mean()
                }
                loss = coverage
                metrics["coverage"] = coverage.scalar
            }
            if variant.trainsQuality, let discriminator {
                let samples = try streams.with("latent") { try model.generate(count: batch.inputs.shape[0], random: &$0) }
                let quality = try -discriminator(samples).mean()
                loss = try loss + (variant.trainsCoverage ? weight : 1) * quality
                metrics["quality"] = quality.scalar
            }
            return PlayerLoss(loss, metrics: metrics)
        })
        return try TrainingProcedure(players: players, batchSize: batchSize, seed: seed, streams: streams, group: group, data: data)
    }

    /// The discriminator of `settings` for `imageShape` `[C, S, S]` at `discriminator_width` of
    /// its channels: the SNGAN standard CNN (spec §3.5, per-sample, no spectral norm; S ∈ {32,
    /// 48, 64}) or Table A.1's residual discriminator (S divisible by 8).
    public static func discriminator(imageShape: [Int], settings: ADESettings, random: inout RandomStream) throws -> any Layer & Module {
        guard imageShape.count == 3, imageShape[1] == imageShape[2] else {
            throw TrainingError.invalidSetting("the discriminator takes square images [C, S, S]; got \(imageShape)")
        }
        switch settings.discriminator {
        case .standard:
            var shape = try ConvolutionalGANShape(imageSize: imageShape[1], widthMultiplier: settings.discriminatorWidth)
            shape.channels = imageShape[0]
            return try shape.makeDiscriminator(.perSample, random: &random)
        case .residual:
            guard imageShape[1] % 8 == 0 else {
                throw TrainingError.invalidSetting("the residual discriminator halves the image three times; \(imageShape[1])×\(imageShape[1]) is not divisible by 8")
            }
            return try ResidualDiscriminator(imageChannels: imageShape[0], widthMultiplier: settings.discriminatorWidth, random: &random)
        }
    }
}

extension VariationalPass {
    /// The ELBO with closed-form KLs: `reconstruction − Σ KL`, `[B]`.
    public func elbo() throws -> Tensor { try reconstruction - kl() }
}
