import Distributions
import NeuralNet
import TensorCore
import Training

/// A density by change of variables (spec §1.3): `ln p(x) = ln p_Z(f(x)) + ln |det ∂f/∂x|`,
/// sampled by `x = f⁻¹(z)`, `z ~ p_Z`, with a standard Gaussian or logistic prior.
public final class FlowDensity: Module, LikelihoodModel, SampleGenerator {
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
        let logPrior: Tensor
        switch prior {
        case .gaussian: logPrior = try DiagonalGaussian.standard(z.shape).logDensity(z)
        case .logistic: logPrior = try StandardLogistic.logDensity(z)
        }
        return try logPrior + logDeterminant
    }

    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        let shape = [count] + rowShape
        let z = prior == .gaussian ? random.normal(shape) : StandardLogistic.sample(shape, random: &random)
        return try withoutGradient { try flow.inverse(z) }
    }
}
