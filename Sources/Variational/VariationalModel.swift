import Distributions
import Foundation
import NeuralNet
import TensorCore
import Training

/// One stochastic layer of a pass through a latent-variable model: the Gaussian posterior the
/// draw started from, its prior (given the layers above it) and the reparameterised sample, all
/// `[B, …]`. With a posterior flow (IAF) the sample is the flow's output and `flow` keeps the
/// Gaussian draw and the log-diagonal of the flow's triangular Jacobian, so that
/// `ln q(z | ·) = ln N(z₀; μ, σ²) − Σ ln|∂z_i/∂z₀_i|`.
public struct LatentGroup {
    public let posterior: DiagonalGaussian
    public let prior: DiagonalGaussian
    public let sample: Tensor
    public let flow: PosteriorFlowTrace?

    public init(posterior: DiagonalGaussian, prior: DiagonalGaussian, sample: Tensor, flow: PosteriorFlowTrace? = nil) {
        (self.posterior, self.prior, self.sample, self.flow) = (posterior, prior, sample, flow)
    }

    /// The KL term of each coordinate `[B, …]` (what free bits clamp): in closed form without a
    /// flow; with one, the one-sample estimate `ln q(z_i | ·) − ln p(z_i | ·)` at the sample
    /// (Kingma et al. 2016), unbiased for the KL and exact in the importance weights.
    public func klPerElement() throws -> Tensor {
        guard let flow else { return try posterior.klPerElement(to: prior) }
        return try posterior.logDensityPerElement(flow.base) - flow.logDiagonal - prior.logDensityPerElement(sample)
    }

    /// `Σ_i klPerElement` per row: `[B]`.
    public func kl() throws -> Tensor { try sumOverRows(klPerElement()) }

    /// `ln q(z | ·)` of the sample per row: `[B]`.
    public func logPosteriorDensity() throws -> Tensor {
        guard let flow else { return try posterior.logDensity(sample) }
        return try posterior.logDensity(flow.base) - sumOverRows(flow.logDiagonal)
    }
}

/// What a posterior flow leaves of one draw: the Gaussian draw `z₀` it started from and
/// `ln|∂z_i/∂z₀_i|` per coordinate, both shaped like the sample (the Jacobian is triangular, so
/// these diagonal terms are its whole log-determinant).
public struct PosteriorFlowTrace {
    public let base: Tensor
    public let logDiagonal: Tensor

    public init(base: Tensor, logDiagonal: Tensor) { (self.base, self.logDiagonal) = (base, logDiagonal) }
}

/// One encode–decode pass for a batch `x` `[B, …]`: `ln p(x | z)` per row `[B]`, the latent
/// groups (top first) and, where the model has one, the decoder's output (`[B] + image shape`,
/// on the data's scale: what the observation model's likelihood took).
public struct VariationalPass {
    public let reconstruction: Tensor
    public let groups: [LatentGroup]
    public let decoded: Tensor?

    public init(reconstruction: Tensor, groups: [LatentGroup], decoded: Tensor? = nil) {
        (self.reconstruction, self.groups, self.decoded) = (reconstruction, groups, decoded)
    }

    /// `Σ_i KL(q_i ‖ p_i)` given the sampled groups above each (in closed form for Gaussian
    /// posteriors, sampled through a posterior flow): `[B]`.
    public func kl() throws -> Tensor {
        try groups.map { try $0.kl() }.reduce(Tensor.zeros([reconstruction.shape[0]]), +)
    }

    /// `ln p(x, z) − ln q(z | x)` per row `[B]`: the log importance weight of this sample.
    public func logWeight() throws -> Tensor {
        try groups.reduce(reconstruction) { total, group in
            try total + group.prior.logDensity(group.sample) - group.logPosteriorDensity()
        }
    }
}

/// A latent-variable model trained and evaluated by variational bounds (spec §1.1–1.2,
/// §1.5): a one-group VAE or a top-down hierarchy. A model implements one reparameterised
/// pass; the bounds, the likelihood and the training player are shared:
///
/// - `elbo`: `ln p(x | z) − Σ_i KL(q(z_i | x, z_{>i}) ‖ p(z_i | z_{>i}))`, one sample, each KL in
///   closed form given the groups sampled above it (sampled for a group drawn through an IAF);
/// - `importanceWeightedBound(k:)`: `L_k = logsumexp_i ln w_i − ln k` (spec §1.2); L_1 is the
///   ELBO estimated with sampled KLs, and L_k grows with k towards ln p(x).
public protocol VariationalModel: Module, LikelihoodModel, SampleGenerator {
    /// `count` passes over the same `x`, with reparameterised samples drawn from `random` in
    /// turn, each handed to `body` as it is made; what does not depend on the samples (the
    /// encoder, the bottom-up features) is computed once.
    func passes(_ x: Tensor, count: Int, random: inout RandomStream, _ body: (VariationalPass) throws -> Void) throws
    /// Importance samples of `logLikelihood` (what likelihood evaluations report: a bound).
    var evaluationSamples: Int { get }
    /// The player that trains the model (`boundPlayer` unless the model's objective is not its
    /// bound, as AGAVE's weighted one).
    func trainingPlayer(optimizer settings: OptimizerSettings, objective: VariationalObjective) throws -> Player
}

/// A latent-variable model whose bound splits into named terms worth reporting (AGAVE: the KL,
/// the PixelCNN's and the auxiliary decoder's reconstructions), nats per row `[B]` each, from
/// one posterior sample.
public protocol BoundTermsReporting: AnyObject {
    func boundTerms(_ x: Tensor, random: inout RandomStream) throws -> [String: Tensor]
}

extension VariationalModel {
    /// One pass with reparameterised samples drawn from `random`.
    public func pass(_ x: Tensor, random: inout RandomStream) throws -> VariationalPass {
        var made: VariationalPass?
        try passes(x, count: 1, random: &random) { made = $0 }
        return made!
    }

    /// The ELBO with closed-form KLs (sampled ones through a posterior flow), one sample: `[B]` each.
    public func elbo(_ x: Tensor, random: inout RandomStream) throws -> (elbo: Tensor, kl: Tensor) {
        let pass = try pass(x, random: &random)
        let kl = try pass.kl()
        return (try pass.reconstruction - kl, kl)
    }

    /// `ln w_i` for `k` samples per row: `[B, k]`.
    public func logWeights(_ x: Tensor, samples k: Int, random: inout RandomStream) throws -> Tensor {
        guard k >= 1 else { throw TrainingError.invalidSetting("importance samples \(k) must be ≥ 1") }
        var columns: [Tensor] = []
        try passes(x, count: k, random: &random) { columns.append(try $0.logWeight().expandingShape(at: 1)) }
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

    public func trainingPlayer(optimizer settings: OptimizerSettings, objective: VariationalObjective) throws -> Player {
        try boundPlayer(optimizer: settings, objective: objective)
    }

    /// The training player (one player named `vae`), drawing from the `posterior` stream.
    /// Metrics: `bound` (the ELBO or L_k, nats per example, without warm-up or free bits)
    /// and, for the ELBO, `kl`.
    public func boundPlayer(optimizer settings: OptimizerSettings, objective: VariationalObjective = VariationalObjective()) throws -> Player {
        try objective.validate()
        let optimizer = try settings.makeOptimizer(for: self)
        return try Player(name: "vae", module: self, optimizer: optimizer, options: settings.playerOptions) { [unowned self] batch, streams in
            try streams.with("posterior") { random in
                guard objective.importanceSamples == 1 else {
                    let bound = try self.importanceWeightedBound(batch.inputs, samples: objective.importanceSamples, random: &random).mean()
                    return PlayerLoss(-bound, metrics: ["bound": bound.scalar])
                }
                let pass = try self.pass(batch.inputs, random: &random)
                let kl = try pass.kl().mean()
                let bound = try pass.reconstruction.mean() - kl
                let penalty = try objective.klPenalty(pass.groups, step: optimizer.stepCount)
                return PlayerLoss(try penalty - pass.reconstruction.mean(), metrics: ["bound": bound.scalar, "kl": kl.scalar])
            }
        }
    }
}

/// How a variational model is trained: the ELBO (k = 1) or IWAE-k, and, for the ELBO, KL
/// warm-up and free bits.
public struct VariationalObjective: Codable, Equatable, Sendable {
    /// k of the IWAE bound trained on; 1 trains the ELBO.
    public var importanceSamples: Int
    /// The KL term is multiplied by `min(1, step / klWarmupSteps)` (0: no warm-up; Sønderby
    /// et al. 2016).
    public var klWarmupSteps: Int
    /// Free bits (Kingma et al. 2016): each latent channel's KL, summed over its positions and
    /// averaged over the batch, counts at least this many nats (0: off).
    public var freeBits: Float

    public init(importanceSamples: Int = 1, klWarmupSteps: Int = 0, freeBits: Float = 0) {
        (self.importanceSamples, self.klWarmupSteps, self.freeBits) = (importanceSamples, klWarmupSteps, freeBits)
    }

    public func validate() throws {
        guard importanceSamples >= 1, klWarmupSteps >= 0, freeBits >= 0, freeBits.isFinite else {
            throw TrainingError.invalidSetting("importance samples (\(importanceSamples)) must be ≥ 1, KL warm-up steps "
                                               + "(\(klWarmupSteps)) and free bits (\(freeBits)) ≥ 0")
        }
        guard importanceSamples == 1 || (klWarmupSteps == 0 && freeBits == 0) else {
            throw TrainingError.invalidSetting("KL warm-up and free bits shape the ELBO; with importance samples "
                                               + "\(importanceSamples) > 1 set both to 0")
        }
    }

    /// The KL term the ELBO objective minimises at optimiser step `step`, a scalar: per group
    /// and latent channel `max(freeBits, KL_channel)`, times the warm-up factor.
    public func klPenalty(_ groups: [LatentGroup], step: Int) throws -> Tensor {
        let warmup = klWarmupSteps == 0 ? 1 : min(1, Float(step) / Float(klWarmupSteps))
        let total = try groups.map { group -> Tensor in
            let perElement = try group.klPerElement()
            guard freeBits > 0 else { return perElement.sum() * (1 / Float(perElement.shape[0])) }
            // [B, C, …] -> per channel: summed over positions, averaged over the batch.
            let perChannel = try perElement.rank == 2 ? perElement.mean(alongAxes: [0])
                : perElement.sum(alongAxes: Array(2..<perElement.rank)).mean(alongAxes: [0])
            return clamp(perChannel, min: freeBits, max: .infinity).sum()
        }.reduce(Tensor(0), +)
        return warmup * total
    }
}
