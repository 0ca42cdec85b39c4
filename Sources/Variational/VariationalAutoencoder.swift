import Distributions
import Foundation
import NeuralNet
import TensorCore
import Training

/// A VAE (spec §1.1–1.2): a Gaussian encoder `q(z | x) = N(μ(x), diag σ(x)²)` whose network
/// maps `[B, …]` to `[B, 2L]` (means, then log-σ), a standard normal prior on `z` `[B, L]`, a
/// decoder network `z -> decoded` and an observation model `ln p(x | decoded)`.
///
/// Bounds on `ln p(x)`, per row `[B]`:
/// - `elbo`: `E_q[ln p(x | z)] − KL(q ‖ p)` with one reparameterised sample and the KL in closed
///   form (spec §1.1);
/// - `importanceWeightedBound(k:)`: `L_k = logsumexp_i ln w_i − ln k`, `w_i = p(x, z_i) / q(z_i | x)`
///   (spec §1.2); L_1 is the ELBO estimated with the sampled KL, and L_k grows with k towards ln p(x).
public final class VariationalAutoencoder: Module, SampleGenerator, LikelihoodModel {
    public let encoder: any Layer
    public let decoder: any Layer
    public let observation: any ObservationModel
    public let latentSize: Int
    /// Importance samples of `logLikelihood` (what likelihood evaluations report: a bound).
    public var evaluationSamples = 150

    public init(encoder: any Layer, decoder: any Layer, observation: any ObservationModel, latentSize: Int) throws {
        guard latentSize >= 1 else { throw TrainingError.invalidSetting("latent size \(latentSize) must be ≥ 1") }
        self.encoder = encoder
        self.decoder = decoder
        self.observation = observation
        self.latentSize = latentSize
        super.init()
    }

    /// `q(z | x)`.
    public func posterior(_ x: Tensor) throws -> DiagonalGaussian {
        let out = try encoder(x)
        guard out.rank == 2, out.shape[1] == 2 * latentSize else {
            throw TensorError.invalidShape(operation: "VariationalAutoencoder.posterior", shape: out.shape,
                                           expected: "the encoder's output [B, \(2 * latentSize)] (means, then log-σ)")
        }
        return try DiagonalGaussian(mean: out.narrowed(axis: 1, start: 0, length: latentSize),
                                    logStd: out.narrowed(axis: 1, start: latentSize, length: latentSize))
    }

    /// The ELBO with the KL in closed form, one sample: `[B]`.
    public func elbo(_ x: Tensor, random: inout RandomStream) throws -> (elbo: Tensor, kl: Tensor) {
        let q = try posterior(x)
        let z = try q.sample(random: &random)
        let kl = try q.kl(to: DiagonalGaussian.standard(z.shape))
        return (try observation.logLikelihood(of: x, decoded: decoder(z)) - kl, kl)
    }

    /// `ln w_i` for `k` samples per row: `[B, k]`.
    public func logWeights(_ x: Tensor, samples k: Int, random: inout RandomStream) throws -> Tensor {
        guard k >= 1 else { throw TrainingError.invalidSetting("importance samples \(k) must be ≥ 1") }
        let q = try posterior(x)
        let prior = try DiagonalGaussian.standard([x.shape[0], latentSize])
        let columns = try (0..<k).map { _ -> Tensor in
            let z = try q.sample(random: &random)
            let logJoint = try observation.logLikelihood(of: x, decoded: decoder(z)) + prior.logDensity(z)
            return try (logJoint - q.logDensity(z)).expandingShape(at: 1)
        }
        return try Tensor.concatenate(columns, axis: 1)
    }

    /// `L_k` per row: `[B]`.
    public func importanceWeightedBound(_ x: Tensor, samples k: Int, random: inout RandomStream) throws -> Tensor {
        try Distributions.importanceWeightedBound(logWeights: logWeights(x, samples: k, random: &random))
    }

    /// `L_k` with `evaluationSamples` samples from a fixed stream: a bound on ln p(x).
    public func logLikelihood(_ inputs: Tensor) throws -> Tensor {
        var random = RandomStream(seed: 0).split("importance")
        return try withoutGradient { try importanceWeightedBound(inputs, samples: evaluationSamples, random: &random) }
    }

    /// Decoded means of `z ~ N(0, I)`.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try observation.mean(of: decoder(random.normal([count, latentSize]))) }
    }

    /// The training player: maximises the ELBO (k = 1) or the IWAE bound L_k, drawing from the
    /// `posterior` stream; metrics `bound` and, for the ELBO, `kl` (nats per example).
    public func boundPlayer(optimizer: OptimizerSettings, importanceSamples k: Int = 1) throws -> Player {
        try Player(name: "vae", module: self, optimizer: optimizer.makeOptimizer(for: self),
                   options: optimizer.playerOptions) { [unowned self] batch, streams in
            try streams.with("posterior") { random in
                if k == 1 {
                    let (bound, kl) = try self.elbo(batch.inputs, random: &random)
                    let mean = bound.mean()
                    return PlayerLoss(-mean, metrics: ["bound": mean.scalar, "kl": kl.mean().scalar])
                }
                let bound = try self.importanceWeightedBound(batch.inputs, samples: k, random: &random).mean()
                return PlayerLoss(-bound, metrics: ["bound": bound.scalar])
            }
        }
    }
}
