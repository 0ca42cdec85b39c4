import TensorCore

/// Collapses every axis after the batch axis: `[B, …] -> [B, ∏…]` (PyTorch's `nn.Flatten()`).
public final class Flatten: Module, Layer {
    public override init() { super.init() }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1 else {
            throw TensorError.invalidShape(operation: "Flatten", shape: input.shape,
                                           expected: "the input needs a batch axis: [B, …]")
        }
        return try input.flattenedBatch()
    }
}
