import Adversarial
import DensityExperiments
import Evaluation
import Flows
import Foundation
import NeuralNet
import TensorCore
import Training

/// The training procedure of a Flow-GAN (spec §5.2): one flow, the generator `G = f⁻¹` and the
/// density `p_θ` at once, trained by
///
/// - `mle` (Eq. 1): one player, `generator`, minimising `E_data[−ln p_θ(x)]`;
/// - `adv` (Eq. 5, WGAN-GP): a `critic` (n_critic steps) minimising
///   `E[D(G(z))] − E[D(x)] + λ_GP E[(‖∇D(x̂)‖ − 1)²]`, then the generator minimising `−E[D(G(z))]`;
/// - `hybrid` (Eq. 7): the same critic, and the generator minimising
///   `−E[D(G(z))] + λ E_data[−ln p_θ(x)]`.
///
/// Real images are the model's inputs (dequantised, in [0, 1) for NICE and Real-NVP), samples
/// are in the same space. Metrics: `generator.nll` (nats per image on the model's continuous
/// scale, the training batch's) and `critic.wasserstein` (`E[D(x)] − E[D(G(z))]`, the WGAN loss
/// of Fig. 2), each with the player's `loss`.
public enum FlowGANTraining {
    /// The random streams of the procedure beyond `data`.
    public static let streams = ["latent", "objective"]

    public static func procedure(model: DensityModel, critic: (any Layer)?, settings: FlowGANSettings,
                                 optimizer: OptimizerSettings, batchSize: Int, seed: UInt64,
                                 group: any ProcessGroup = DataParallel.world,
                                 data: @escaping BatchSource) throws -> TrainingProcedure {
        guard let generator = model.module as? any DifferentiableSampler else {
            throw TrainingError.invalidSetting("a Flow-GAN's generator must be a flow (its samples differentiable); "
                                               + "\(type(of: model.module)) is not")
        }
        let flow = model.module
        let objective = settings.objective
        let weight = objective == .hybrid ? settings.likelihoodWeight : 1
        var players: [Player] = []
        if objective != .mle {
            guard let critic else { throw TrainingError.invalidSetting("the \(objective.rawValue) objective needs a critic") }
            let penaltyWeight = settings.penaltyWeight
            players.append(try Player(name: "critic", module: critic, optimizer: optimizer.makeOptimizer(for: critic),
                                      steps: settings.criticSteps, options: optimizer.playerOptions) { batch, streams in
                let generated = try streams.with("latent") { random in
                    try withoutGradient { try generator.generate(count: batch.inputs.shape[0], random: &random) }
                }
                let wasserstein = try critic(batch.inputs).mean() - critic(generated).mean()
                let penalty = try streams.with("objective") { random in
                    try gradientPenalty(critic, real: batch.inputs, generated: generated, random: &random)
                }
                return PlayerLoss(try penaltyWeight * penalty - wasserstein, metrics: ["wasserstein": wasserstein.scalar])
            })
        }
        players.append(try Player(name: "generator", module: flow, optimizer: optimizer.makeOptimizer(for: flow),
                                  options: optimizer.playerOptions) { batch, streams in
            var loss = Tensor(0)
            var metrics: [String: Float] = [:]
            if objective != .adv {
                let nll = try -flow.logLikelihood(batch.inputs).mean()
                loss = weight * nll
                metrics["nll"] = nll.scalar
            }
            if objective != .mle, let critic {
                let generated = try streams.with("latent") { try generator.generate(count: batch.inputs.shape[0], random: &$0) }
                loss = try loss - critic(generated).mean()
            }
            return PlayerLoss(loss, metrics: metrics)
        })
        return try TrainingProcedure(players: players, batchSize: batchSize, seed: seed, streams: streams, group: group, data: data)
    }

    /// A DCGAN-style critic (Radford et al.; the paper's choice, spec §5.3) for images
    /// `[B, C, H, W]` with H and W divisible by 4: two 4×4 stride-2 convolutions (`features`
    /// and `2·features` channels) with leaky ReLU (slope 0.2), no normalisation (WGAN-GP),
    /// then a dense layer to one score per image: `[B, 1]`.
    public static func critic(imageShape: [Int], features: Int, random: inout RandomStream) throws -> Sequential {
        guard imageShape.count == 3, imageShape[1] % 4 == 0, imageShape[2] % 4 == 0, features >= 1 else {
            throw TensorError.invalidArgument(operation: "FlowGANTraining.critic", detail: "needs images [C, H, W] with H and W "
                                              + "divisible by 4 and ≥ 1 feature (got \(imageShape), \(features))")
        }
        let cells = (imageShape[1] / 4) * (imageShape[2] / 4)
        return try Sequential {
            try Conv2D(inputChannels: imageShape[0], outputChannels: features, kernelSize: 4, stride: 2, padding: 1, random: &random)
            LeakyReLU(slope: 0.2)
            try Conv2D(inputChannels: features, outputChannels: 2 * features, kernelSize: 4, stride: 2, padding: 1, random: &random)
            LeakyReLU(slope: 0.2)
            Flatten()
            try Linear(inputFeatures: 2 * features * cells, outputFeatures: 1, random: &random)
        }
    }
}

extension DensityModel {
    /// The flow of a NICE or Real-NVP model, whatever wraps it.
    public var flowDensity: FlowDensity? {
        (module as? FlowDensity) ?? (module as? FlattenedDensity)?.density
    }

    /// The generator `G = f⁻¹` on flat latent rows `[B, d]` → flat images `[B, D]` (d = D): the
    /// map whose Jacobian the analysis of Figs. 4 / 8 takes. Nil for models that are not flows.
    public var flatGenerator: ((Tensor) throws -> Tensor)? {
        guard let density = flowDensity else { return nil }
        return { z in
            try density.flow.inverse(z.reshaped([z.shape[0]] + density.rowShape)).reshaped([z.shape[0], -1])
        }
    }

    /// The flow's generator as a decoder with Gaussian observation noise σ = `noise` (on flat
    /// rows), the model AIS estimates the likelihood of (Flow-GAN's Table 3). Nil for models
    /// that are not flows.
    public func gaussianDecoder(noise: Double) -> GaussianDecoder? {
        guard let density = flowDensity, let generator = flatGenerator else { return nil }
        let dimension = density.rowShape.reduce(1, *)
        return GaussianDecoder(latentDimension: dimension, noise: noise,
                               samplePrior: { count, random in try density.priorSample(count: count, random: &random).reshaped([count, -1]) },
                               logPrior: { z in try density.logPrior(z) }, generate: generator)
    }
}
