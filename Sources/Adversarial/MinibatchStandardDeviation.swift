import NeuralNet
import TensorCore

/// The minibatch standard-deviation layer of Karras et al. (2018): the standard deviation
/// of every feature over the batch, averaged over the features into one number s, is
/// appended to every sample as an extra feature.
///
///     s = (1/F) Σ_f sqrt(Var_b(x_{b,f}) + ε),   output_b = [x_b, s]
///
/// Shape: `[B, F] -> [B, F + 1]` (the variance is the biased one, over the B samples).
/// The same s for all samples makes the layer permutation-equivariant. Under data
/// parallelism the variance is over the global batch.
public final class MinibatchStandardDeviation: Module, Layer {
    public let epsilon: Float

    public init(epsilon: Float = 1e-8) {
        self.epsilon = epsilon
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[0] > 0 else {
            throw TensorError.invalidShape(operation: "MinibatchStandardDeviation", shape: x.shape,
                                           expected: "[B, F] with B ≥ 1")
        }
        let centred = try x - x.batchMean(alongAxes: [0], keepingDimensions: true)
        let deviation = try sqrt(square(centred).batchMean(alongAxes: [0]) + epsilon).mean()
        let column = try deviation.reshaped([1, 1]).broadcast(to: [x.shape[0], 1])
        return try Tensor.concatenate([x, column], axis: 1)
    }
}
