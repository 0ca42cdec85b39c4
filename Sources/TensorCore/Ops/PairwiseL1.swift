import CKernels

/// Pairwise L1 distances between the samples of a batch, per kernel — the inner product of
/// minibatch discrimination (Salimans et al. 2016), fused because its `[B, B, C, K]`
/// intermediate would dominate a training step.
///
///     D[i, j, k] = Σ_c |M[i, c, k] − M[j, c, k]|
///
/// Shape: `M [B, C, K] -> [B, B, K]` (K innermost, so the C loops vectorise over kernels).
/// Differentiable to any order: the gradient is `H(M, G)[i, c, k] = Σ_j (G[i,j,k] + G[j,i,k]) s`
/// with `s = sign(M[i,c,k] − M[j,c,k])`, a primitive linear in G whose own gradient is the
/// adjoint primitive `S(M, R)[i, j, k] = Σ_c s (R[i,c,k] − R[j,c,k])`, and the sign is
/// constant almost everywhere.
public func pairwiseL1Distances(_ m: Tensor) throws -> Tensor {
    guard m.rank == 3, m.shape[0] > 0 else {
        throw TensorError.invalidShape(operation: "pairwiseL1Distances", shape: m.shape,
                                       expected: "[B, C, K] with B ≥ 1 (samples, dimensions per kernel, kernels)")
    }
    let (b, c, k) = (m.shape[0], m.shape[1], m.shape[2])
    let result = Tensor(shape: [b, b, k]) { out, _ in mixedbatch_pairwise_l1(m.storage.pointer, out, b, c, k) }
    let points = m.detached
    return result.recording("pairwiseL1Distances", inputs: [m]) { g, _ in
        [try pairwiseSignContraction(points, g)]
    }
}

/// `H(M, G)[i, c, k] = Σ_j (G[i,j,k] + G[j,i,k]) · sign(M[i,c,k] − M[j,c,k])`:
/// `[B, C, K], [B, B, K] -> [B, C, K]`, the gradient of `pairwiseL1Distances` (M constant).
func pairwiseSignContraction(_ m: Tensor, _ g: Tensor) throws -> Tensor {
    try signLinearMap(m, g, outputShape: [m.shape[0], m.shape[1], m.shape[2]],
                      kernel: mixedbatch_pairwise_sign_contraction, adjoint: pairwiseSignDifferences)
}

/// `S(M, R)[i, j, k] = Σ_c sign(M[i,c,k] − M[j,c,k]) · (R[i,c,k] − R[j,c,k])`:
/// `[B, C, K], [B, C, K] -> [B, B, K]`, the adjoint of `pairwiseSignContraction` in G.
func pairwiseSignDifferences(_ m: Tensor, _ r: Tensor) throws -> Tensor {
    try signLinearMap(m, r, outputShape: [m.shape[0], m.shape[0], m.shape[2]],
                      kernel: mixedbatch_pairwise_sign_differences, adjoint: pairwiseSignContraction)
}

/// A map linear in `input` whose coefficients are the signs of M's pairwise differences
/// (constant in M almost everywhere), computed by `kernel`; its gradient is `adjoint`.
private func signLinearMap(
    _ m: Tensor, _ input: Tensor, outputShape: [Int],
    kernel: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int, Int) -> Void,
    adjoint: @escaping (Tensor, Tensor) throws -> Tensor
) throws -> Tensor {
    let (b, c, k) = (m.shape[0], m.shape[1], m.shape[2])
    let result = Tensor(shape: outputShape) { out, _ in
        kernel(m.storage.pointer, input.storage.pointer, out, b, c, k)
    }
    let points = m.detached
    return result.recording("pairwiseSignLinearMap", inputs: [input]) { g, _ in [try adjoint(points, g)] }
}
