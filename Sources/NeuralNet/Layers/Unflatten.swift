import TensorCore

/// Splits the features of each sample into a shape: `[B, ∏shape] -> [B] + shape` (PyTorch's
/// `nn.Unflatten(1, shape)`), e.g. a generator's dense output into a feature map.
public final class Unflatten: Module, Layer {
    public let sampleShape: [Int]

    public init(_ sampleShape: [Int]) {
        self.sampleShape = sampleShape
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank == 2, input.shape[1] == sampleShape.reduce(1, *) else {
            throw TensorError.invalidShape(operation: "Unflatten(\(sampleShape))", shape: input.shape,
                                           expected: "[B, \(sampleShape.reduce(1, *))]")
        }
        return try input.reshaped([input.shape[0]] + sampleShape)
    }
}
