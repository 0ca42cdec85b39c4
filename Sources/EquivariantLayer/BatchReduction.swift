import TensorCore

/// A permutation-invariant reduction over the batch axis: `[B, …] -> […]`.
///
/// `.mean` is the reduction of the invariant network of Eq. 4.10; `.sum` and `.max` are
/// the other symmetric pooling choices. With `validMask` (`[B]`, 0/1) only the valid
/// samples take part. Under data parallelism the reduction runs over the global batch.
public enum BatchReduction: String, CaseIterable, Sendable {
    case mean, sum, max

    public func callAsFunction(_ x: Tensor, validMask: Tensor? = nil) throws -> Tensor {
        let valid = try ValidSamples(validMask, batchSize: batchSize(of: x, operation: "BatchReduction.\(rawValue)"))
        switch self {
        case .mean: return try valid.average(of: x).reshaped(Array(x.shape.dropFirst()))
        case .sum: return try valid.rows(of: x).batchSum()
        case .max:
            // Every process's valid rows, then the maximum over them all.
            let group = DataParallel.current
            guard group.size > 1 else { return try valid.rows(of: x).max(alongAxis: 0) }
            let mask = validMask ?? Tensor.ones([x.shape[0]])
            let everyMask = try mask.detached.allGathered().scalars
            return try x.allGathered().indexSelect(everyMask.indices.filter { everyMask[$0] == 1 }, axis: 0).max(alongAxis: 0)
        }
    }
}
