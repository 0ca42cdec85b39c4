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

/// Minibatch discrimination's closeness of each sample to the others, per kernel, fused:
///
///     o[i, k] = Σ_{j ≠ i} exp(−Σ_c |M[i, c, k] − M[j, c, k]|)
///
/// Shape: `M [B, C, K] -> [B, K]`. Equal to `exp(−pairwiseL1Distances(M)).sum(alongAxes: [1]) − 1`,
/// in one pass over the B(B − 1)/2 pairs, without that composition's five `[B, B, K]`
/// elementwise passes forward and back (they made minibatch discrimination 18 times as slow
/// as the plain 2D GAN). The first-order gradient is one fused kernel over the pairs,
/// `−Σ_j (g_i + g_j) e_ij sign(M_i − M_j)` with the kept `e_ij = exp(−‖M_i − M_j‖₁)`; when
/// the backward pass is itself recorded (a gradient of a gradient), the rule is built from
/// `pairwiseL1Distances`' differentiable pieces instead, so every order stays exact.
public func pairwiseL1Closeness(_ m: Tensor) throws -> Tensor {
    guard m.rank == 3, m.shape[0] > 0 else {
        throw TensorError.invalidShape(operation: "pairwiseL1Closeness", shape: m.shape,
                                       expected: "[B, C, K] with B ≥ 1 (samples, dimensions per kernel, kernels)")
    }
    let (b, c, k) = (m.shape[0], m.shape[1], m.shape[2])
    let pairs = TensorStorage(uninitializedCount: b * b * k)
    let result = Tensor(shape: [b, k]) { out, _ in mixedbatch_pairwise_l1_closeness(m.storage.pointer, out, pairs.pointer, b, c, k) }
    let points = m.detached
    return result.recording("pairwiseL1Closeness", inputs: [m]) { g, _ in
        guard GradMode.isEnabled else {
            let gradient = Tensor(shape: [b, c, k]) { out, _ in
                mixedbatch_pairwise_l1_closeness_backward(points.storage.pointer, pairs.pointer, g.storage.pointer, out, b, c, k)
            }
            return [gradient]
        }
        // G[i, j, k] = −g[i, k]·e_ij; the contraction adds G_ij + G_ji, and e_ii's sign is 0.
        let closeness = exp(-(try pairwiseL1Distances(m)))
        return [try pairwiseSignContraction(points, -(try g.reshaped([b, 1, k]) * closeness))]
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
