import TensorCore

/// ρ, the batch average of Eq. 4.11: `ρ(x_1, …, x_B) = (1/B) Σ_b x_b`, per feature.
///
/// Shape: `[B, …] -> [1, …]` (the batch axis is kept, so the result broadcasts back
/// against the batch). With `validMask` (`[B]`, 1 for a real sample, 0 for padding) the
/// average runs over the valid samples only, so padded or partially filled batches
/// give the statistic of the samples actually present.
public func batchAverage(_ x: Tensor, validMask: Tensor? = nil) throws -> Tensor {
    guard x.rank >= 1, x.shape[0] > 0 else {
        throw TensorError.invalidShape(operation: "batchAverage", shape: x.shape,
                                       expected: "needs a batch axis with at least one sample")
    }
    guard let validMask else { return try x.mean(alongAxes: [0], keepingDimensions: true) }
    let weights = try validWeights(validMask, batchSize: x.shape[0])
    let broadcastShape = [x.shape[0]] + [Int](repeating: 1, count: x.rank - 1)
    return try (x * weights.reshaped(broadcastShape)).sum(alongAxes: [0], keepingDimensions: true)
}

/// The number of samples that count in the batch: `B`, or the number of valid samples.
public func effectiveBatchSize(_ x: Tensor, validMask: Tensor?) throws -> Int {
    guard let validMask else { return x.shape[0] }
    let weights = try validWeights(validMask, batchSize: x.shape[0])
    return weights.scalars.filter { $0 > 0 }.count
}

/// `mask / Σ mask` after validating that the mask is a non-empty 0/1 vector over the batch.
func validWeights(_ mask: Tensor, batchSize: Int) throws -> Tensor {
    guard mask.shape == [batchSize] else {
        throw TensorError.shapeMismatch(operation: "batch mask", lhs: mask.shape, rhs: [batchSize],
                                        expected: "the valid-sample mask must be [B] for a batch of B samples")
    }
    let values = mask.scalars
    guard values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
        throw TensorError.invalidArgument(operation: "batch mask", detail: "the valid-sample mask must hold only 0 and 1")
    }
    let valid = values.reduce(0, +)
    guard valid > 0 else {
        throw TensorError.invalidArgument(operation: "batch mask", detail: "the valid-sample mask marks no sample as valid")
    }
    return mask.detached / valid
}
