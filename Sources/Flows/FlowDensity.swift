import Distributions
import NeuralNet
import TensorCore
import Training

/// A density by change of variables (spec §1.3): `ln p(x) = ln p_Z(f(x)) + ln |det ∂f/∂x|`,
/// sampled by `x = f⁻¹(z)`, `z ~ p_Z`, with a standard Gaussian or logistic prior.
public final class FlowDensity: Module, LikelihoodModel, DifferentiableSampler {
    public enum Prior: Sendable { case gaussian, logistic }

    public let flow: any Bijection
    public let prior: Prior
    /// The shape of one row, without the batch axis.
    public let rowShape: [Int]

    public init(flow: any Bijection, prior: Prior = .gaussian, rowShape: [Int]) {
        self.flow = flow
        self.prior = prior
        self.rowShape = rowShape
        super.init()
    }

    public func logLikelihood(_ inputs: Tensor) throws -> Tensor {
        let (z, logDeterminant) = try flow.forward(inputs)
        return try logPrior(z) + logDeterminant
    }

    /// `ln p_Z(z)` per row of latents `[B] + rowShape` (or flattened `[B, D]`): `[B]`.
    public func logPrior(_ z: Tensor) throws -> Tensor {
        switch prior {
        case .gaussian: return try DiagonalGaussian.standard(z.shape).logDensity(z)
        case .logistic: return try StandardLogistic.logDensity(z)
        }
    }

    /// `count` draws of the prior, `[count] + rowShape`.
    public func priorSample(count: Int, random: inout RandomStream) throws -> Tensor {
        let shape = [count] + rowShape
        return try prior == .gaussian ? random.batchNormal(shape) : StandardLogistic.sample(shape, random: &random)
    }

    /// `x = f⁻¹(z)` for prior draws z, recording the graph (Flow-GAN's generator G = f⁻¹).
    public func generate(count: Int, random: inout RandomStream) throws -> Tensor {
        try flow.inverse(priorSample(count: count, random: &random))
    }

    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try generate(count: count, random: &random) }
    }
}
