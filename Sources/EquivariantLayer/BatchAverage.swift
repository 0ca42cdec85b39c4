import TensorCore

/// ρ, the batch average of Eq. 4.11: `ρ(x_1, …, x_B) = (1/B) Σ_b x_b`, per feature.
///
/// Shape: `[B, …] -> [1, …]` (the batch axis is kept, so the result broadcasts back
/// against the batch). With `validMask` (`[B]`, 1 for a real sample, 0 for padding) the
/// average runs over the valid samples only, so padded or partially filled batches
/// give the statistic of the samples actually present.
public func batchAverage(_ x: Tensor, validMask: Tensor? = nil) throws -> Tensor {
    try ValidSamples(validMask, batchSize: batchSize(of: x, operation: "batchAverage")).average(of: x)
}

/// The number of samples that count in the batch: `B`, or the number of valid samples.
public func effectiveBatchSize(_ x: Tensor, validMask: Tensor?) throws -> Int {
    try ValidSamples(validMask, batchSize: batchSize(of: x, operation: "effectiveBatchSize")).count
}

func batchSize(of x: Tensor, operation: String) throws -> Int {
    guard x.rank >= 1, x.shape[0] > 0 else {
        throw TensorError.invalidShape(operation: operation, shape: x.shape,
                                       expected: "needs a batch axis with at least one sample")
    }
    return x.shape[0]
}

/// The rows of a batch that take part in its statistics, parsed once from a valid-sample
/// mask (`[B]`, 0/1, at least one 1 in the whole batch) or all rows when there is no mask.
///
/// Under data parallelism (`DataParallel.current` spans several processes, each holding a
/// shard of the batch) every statistic is the one of the *global* batch: `count` is the
/// number of valid rows over all shards and ρ averages over all of them.
struct ValidSamples {
    /// `mask / Σ mask` over the global batch, `[B]`; `nil` when every row is valid.
    let weights: Tensor?
    /// Indices of the valid rows of this shard, in order.
    let indices: [Int]
    /// The number of valid rows of the global batch.
    let count: Int

    init(_ mask: Tensor?, batchSize: Int) throws {
        let group = DataParallel.current
        guard let mask else {
            weights = nil
            indices = Array(0..<batchSize)
            count = batchSize * group.size
            return
        }
        guard mask.shape == [batchSize] else {
            throw TensorError.shapeMismatch(operation: "batch mask", lhs: mask.shape, rhs: [batchSize],
                                            expected: "the valid-sample mask must be [B] for a batch of B samples")
        }
        let values = mask.scalars
        guard values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw TensorError.invalidArgument(operation: "batch mask", detail: "the valid-sample mask must hold only 0 and 1")
        }
        indices = values.indices.filter { values[$0] == 1 }
        count = group.size == 1 ? indices.count : Int(try group.allReduceSum([Float(indices.count)])[0])
        guard count > 0 else {
            throw TensorError.invalidArgument(operation: "batch mask", detail: "the valid-sample mask marks no sample as valid")
        }
        weights = mask.detached / Float(count)
    }

    /// ρ over the valid rows of the global batch: `[B, …] -> [1, …]`.
    func average(of x: Tensor) throws -> Tensor {
        guard let weights else { return try x.batchMean(alongAxes: [0], keepingDimensions: true) }
        let broadcastShape = [x.shape[0]] + [Int](repeating: 1, count: x.rank - 1)
        return try (x * weights.reshaped(broadcastShape)).batchSum(alongAxes: [0], keepingDimensions: true)
    }

    /// The valid rows of `x` (`x` itself when all rows are valid).
    func rows(of x: Tensor) throws -> Tensor {
        indices.count == x.shape[0] ? x : try x.indexSelect(indices, axis: 0)
    }
}
