import Foundation
import TensorCore

/// The importance-weighted bound from k log-weights per example (spec §1.2):
/// `L_k = logsumexp_i(ln w_i) − ln k`, with `ln w_i = ln p(x, z_i) − ln q(z_i | x)`.
/// `logWeights` is `[B, k]`; the result `[B]`. With k = 1 it is the ELBO estimate itself.
public func importanceWeightedBound(logWeights: Tensor) throws -> Tensor {
    guard logWeights.rank == 2, logWeights.shape[1] >= 1 else {
        throw TensorError.invalidShape(operation: "importanceWeightedBound", shape: logWeights.shape,
                                       expected: "[B, k] log-weights, k ≥ 1")
    }
    return try logWeights.logSumExp(alongAxis: 1) - Float(log(Double(logWeights.shape[1])))
}
