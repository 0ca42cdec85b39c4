import TensorCore

/// A permutation-invariant reduction over the batch axis: `[B, …] -> […]`.
///
/// `.mean` is the reduction of the invariant network of Eq. 4.10; `.sum` and `.max` are
/// the other symmetric pooling choices. With `validMask` (`[B]`, 0/1) only the valid
/// samples take part.
public enum BatchReduction: String, CaseIterable, Sendable {
    case mean, sum, max

    public func callAsFunction(_ x: Tensor, validMask: Tensor? = nil) throws -> Tensor {
        guard x.rank >= 1, x.shape[0] > 0 else {
            throw TensorError.invalidShape(operation: "BatchReduction.\(rawValue)", shape: x.shape,
                                           expected: "needs a batch axis with at least one sample")
        }
        let kept = try keptSamples(x, validMask: validMask)
        switch self {
        case .mean: return try kept.mean(alongAxes: [0])
        case .sum: return try kept.sum(alongAxes: [0])
        case .max: return try kept.max(alongAxis: 0)
        }
    }

    /// The rows of `x` marked valid (all rows without a mask).
    private func keptSamples(_ x: Tensor, validMask: Tensor?) throws -> Tensor {
        guard let validMask else { return x }
        _ = try validWeights(validMask, batchSize: x.shape[0])
        let indices = validMask.scalars.enumerated().filter { $0.element == 1 }.map(\.offset)
        return indices.count == x.shape[0] ? x : try x.indexSelect(indices, axis: 0)
    }
}
