import Foundation
import TensorCore

/// `KL(Bern(u) ‖ Bern(σ(ℓ)))` for targets `u` and logits `ℓ` (Eq. 4.3), elementwise,
/// computed stably from the logits:
///
///     KL = u ln u + (1 − u) ln(1 − u) − u ln σ(ℓ) − (1 − u) ln σ(−ℓ)
///
/// The last two terms are the binary cross-entropy with soft target u; the first two
/// are the (constant) negative entropy of the target, with `0 ln 0 = 0`. Shapes
/// broadcast; the result is ≥ 0 and is 0 exactly when `σ(ℓ) = u`.
public func bernoulliKL(target: Tensor, logits: Tensor) throws -> Tensor {
    try softTargetCrossEntropy(target: target, logits: logits) - bernoulliEntropy(target)
}

/// `−u ln σ(ℓ) − (1 − u) ln σ(−ℓ)`: binary cross-entropy with soft target u. Same
/// gradient as `bernoulliKL` in the logits.
public func softTargetCrossEntropy(target: Tensor, logits: Tensor) throws -> Tensor {
    let u = target.detached
    return try -(u * logSigmoid(logits) + (1 - u) * logSigmoid(-logits))
}

/// `−u ln u − (1 − u) ln(1 − u)` with `0 ln 0 = 0`.
func bernoulliEntropy(_ target: Tensor) -> Tensor {
    target.detached.map { u in
        let a = u > 0 ? u * Foundation.log(u) : 0
        let b = u < 1 ? (1 - u) * Foundation.log(1 - u) : 0
        return -(a + b)
    }
}
