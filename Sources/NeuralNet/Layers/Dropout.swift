import TensorCore

/// Inverted dropout (Srivastava et al., 2014), PyTorch's `nn.Dropout`: in training mode
/// each scalar is zeroed with probability `probability` and the kept ones are scaled by
/// `1 / (1 − probability)`, so the expectation is unchanged; the identity in evaluation
/// mode. Any shape in, the same shape out.
///
/// The masks come from the module's own `@RandomState`, which checkpoints save, so a
/// resumed run draws the same masks as an uninterrupted one.
public final class Dropout: Module, Layer {
    public let probability: Float
    @RandomState public var random: RandomStream

    /// A dropout layer drawing masks from `random` (used as given).
    public init(probability: Float = 0.5, random: RandomStream) throws {
        guard probability >= 0, probability <= 1 else {
            throw TensorError.invalidArgument(operation: "Dropout",
                                              detail: "probability must be in [0, 1] (got \(probability))")
        }
        self.probability = probability
        self.random = random
        super.init()
    }

    /// A dropout layer whose stream is forked from `random` (which advances by one block),
    /// so layers built one after another from one stream draw independent masks.
    public convenience init(probability: Float = 0.5, random: inout RandomStream) throws {
        try self.init(probability: probability, random: random.forked())
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard isTraining, probability > 0 else { return input }
        let keep = 1 - probability
        let scale = keep > 0 ? 1 / keep : 0
        // Axis 0 is the batch: a data-parallel shard draws its rows of the global batch's mask.
        let mask = try random.batchUniform(input.shape).map { $0 < keep ? scale : 0 }
        return try input * mask
    }
}

extension RandomStream {
    /// A new stream seeded from this stream's next block; this stream advances by one.
    mutating func forked() -> RandomStream {
        let block = nextBlock()
        return RandomStream(seed: UInt64(block.0) | UInt64(block.1) << 32)
    }
}
