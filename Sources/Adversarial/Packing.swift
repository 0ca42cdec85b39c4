import NeuralNet
import TensorCore

/// PacGAN packing (Lin et al. 2018): m consecutive samples are concatenated into one input
/// of the discriminator, which then judges m samples jointly.
///
/// Shape: `[B, F] -> [B/m, m·F]`; B must be a multiple of m. Put it first in a
/// discriminator whose input layer takes `m·F` features.
public final class Packing: Module, Layer {
    public let degree: Int

    public init(degree: Int) throws {
        guard degree >= 1 else {
            throw TensorError.invalidArgument(operation: "Packing", detail: "the packing degree m = \(degree) must be ≥ 1")
        }
        self.degree = degree
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[0] % degree == 0, x.shape[0] > 0 else {
            throw TensorError.invalidShape(
                operation: "Packing(m = \(degree))", shape: x.shape,
                expected: "[B, F] with B a positive multiple of \(degree); choose a batch size divisible by the packing degree")
        }
        return try x.reshaped([x.shape[0] / degree, degree * x.shape[1]])
    }
}
