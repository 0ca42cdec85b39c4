import Datasets
import Distributions
import NeuralNet
import TensorCore
import Training
import Variational

/// The inference half of a `TopDownVAE` — its bottom-up encoder, the posterior heads and the
/// observation's σ — as one module, so that it can be trained alone around a frozen generator.
public final class InferenceNetwork: Module {
    public let input: Conv2D
    public let downs: [Conv2D]
    public let topPosterior: Conv2D
    public let posteriors: [Conv2D]
    public let observation: GaussianObservation

    public init(of vae: TopDownVAE) throws {
        guard let observation = vae.observation as? GaussianObservation else {
            throw TrainingError.invalidSetting("a post-hoc inference network needs a Gaussian observation with a learned σ")
        }
        (input, downs, topPosterior, posteriors, self.observation) = (vae.input, vae.downs, vae.topPosterior, vae.posteriors, observation)
        super.init()
    }
}

/// BPD for a GAN (spec §4.7, E5.2): with the generator frozen, an inference network and the
/// isotropic noise σ of `p(x | z) = N(x; G(z), σ²I)` are trained by the ELBO; the model's bound
/// is then an upper bound on the GAN's BPD (the bracketed entries of Table 5.1). The frozen
/// generator is the top-down VAE's generative path (its top-down convolutions and conditional
/// priors), which is what the GAN trained.
public enum PosthocInference {
    /// Trains `model`'s inference network for `iterations` Adam(ax) steps of `optimizer` on the
    /// ELBO of batches from `data`; returns the last step's ELBO (nats per image).
    @discardableResult
    public static func train(_ model: AdaptiveDensityModel, iterations: Int, batchSize: Int, optimizer: OptimizerSettings,
                             seed: UInt64, data: @escaping BatchSource) throws -> Float {
        let inference = try InferenceNetwork(of: model.vae)
        let player = try Player(name: "inference", module: inference, optimizer: optimizer.makeOptimizer(for: inference),
                                options: optimizer.playerOptions) { batch, streams in
            let elbo = try streams.with("posterior") { random in try model.pass(batch.inputs, random: &random).elbo().mean() }
            return PlayerLoss(-elbo, metrics: ["elbo": elbo.scalar])
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: batchSize, seed: seed, streams: ["posterior"], data: data)
        var last: Float = .nan
        for _ in 0..<iterations { last = try procedure.trainIteration()["inference.elbo"] ?? .nan }
        return last
    }
}
