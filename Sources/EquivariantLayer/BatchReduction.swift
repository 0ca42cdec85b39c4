import TensorCore

/// A permutation-invariant reduction over the batch axis: `[B, …] -> […]`.
///
/// `.mean` is the reduction of the invariant network of Eq. 4.10; `.sum` and `.max` are
/// the other symmetric pooling choices. With `validMask` (`[B]`, 0/1) only the valid
/// samples take part.
public enum BatchReduction: String, CaseIterable, Sendable {
    case mean, sum, max

    public func callAsFunction(_ x: Tensor, validMask: Tensor? = nil) throws -> Tensor {
        let valid = try ValidSamples(validMask, batchSize: batchSize(of: x, operation: "BatchReduction.\(rawValue)"))
        let kept = try valid.rows(of: x)
        switch self {
        case .mean: return try kept.mean(alongAxes: [0])
        case .sum: return try kept.sum(alongAxes: [0])
        case .max: return try kept.max(alongAxis: 0)
        }
    }
}
