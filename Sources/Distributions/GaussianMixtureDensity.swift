import Foundation
import NeuralNet
import TensorCore
import Training

/// A learnable mixture of K Gaussians with diagonal covariances in D dimensions:
/// `p(x) = Σ_k π_k Π_d N(x_d; μ_kd, σ_kd²)` with `π = softmax(logits)` and `σ = exp(logStd)`.
/// Fitted by maximum likelihood as a one-player procedure; it draws samples and reports its
/// log-likelihood, so the same evaluators serve it as any other model.
///
/// Parameters: `means` `[K, D]`, `logStd` `[K, D]`, `logits` `[K]`.
public final class GaussianMixtureDensity: Module, SampleGenerator, LikelihoodModel {
    @Parameter public var means: Tensor
    @Parameter public var logStd: Tensor
    @Parameter public var logits: Tensor

    public var components: Int { means.shape[0] }
    public var dimensions: Int { means.shape[1] }

    /// Means drawn from N(0, initialSpread²), unit standard deviations, equal weights.
    public init(components: Int, dimensions: Int, initialSpread: Float = 1, random: inout RandomStream) throws {
        guard components >= 1, dimensions >= 1 else {
            throw TensorError.invalidArgument(operation: "GaussianMixtureDensity",
                                              detail: "needs ≥ 1 component and ≥ 1 dimension, got \(components), \(dimensions)")
        }
        means = random.normal([components, dimensions], standardDeviation: initialSpread)
        logStd = .zeros([components, dimensions])
        logits = .zeros([components])
        super.init()
    }

    /// ln p(x) for each row of `inputs` `[B, D]`: `[B]`, with log-sum-exp over components.
    public func logLikelihood(_ inputs: Tensor) throws -> Tensor {
        guard inputs.rank == 2, inputs.shape[1] == dimensions else {
            throw TensorError.invalidShape(operation: "GaussianMixtureDensity.logLikelihood", shape: inputs.shape,
                                           expected: "[B, \(dimensions)]")
        }
        let x = try inputs.expandingShape(at: 1)                       // [B, 1, D]
        let standardized = try (x - means) * exp(-logStd)              // [B, K, D]
        let perDimension = try -0.5 * square(standardized) - logStd - Float(0.5 * log(2 * Double.pi))
        let perComponent = try perDimension.sum(alongAxes: [2]) + logSoftmax(logits, alongAxis: 0)  // [B, K]
        return try perComponent.logSumExp(alongAxis: 1)
    }

    /// `count` samples `[count, D]`: a component from π, then the component's Gaussian.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient {
            let chosen = try random.categorical(logits: logits.expandingShape(at: 0).broadcast(to: [count, components]))
            let noise = random.normal([count, dimensions])
            let mu = means.scalars, sigma = exp(logStd).scalars, d = dimensions
            return noise.withUnsafeScalars { eps in
                Tensor(shape: [count, d]) { out, _ in
                    for i in 0..<count {
                        for j in 0..<d { out[i * d + j] = mu[chosen[i] * d + j] + sigma[chosen[i] * d + j] * eps[i * d + j] }
                    }
                }
            }
        }
    }

    /// The maximum-likelihood player: minimises the mean negative log-likelihood of each
    /// batch (metric `nll`, nats per sample).
    public func maximumLikelihoodPlayer(optimizer: OptimizerSettings) throws -> Player {
        try Player(name: "density", module: self, optimizer: optimizer.makeOptimizer(for: self),
                   options: optimizer.playerOptions) { [unowned self] batch, _ in
            let nll = try -self.logLikelihood(batch.inputs).mean()
            return PlayerLoss(nll, metrics: ["nll": nll.scalar])
        }
    }
}
