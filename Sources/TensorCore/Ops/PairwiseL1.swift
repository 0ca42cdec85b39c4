/// Pairwise L1 distances between the samples of a batch, per kernel — the inner product of
/// minibatch discrimination (Salimans et al. 2016), fused because its `[B, B, C, K]`
/// intermediate would dominate a training step.
///
///     D[i, j, k] = Σ_c |M[i, c, k] − M[j, c, k]|
///
/// Shape: `M [B, C, K] -> [B, B, K]` (K innermost, so the loops run over contiguous kernels).
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
    let result = Tensor(shape: [b, b, k]) { out, _ in
        let x = m.storage.pointer
        out.update(repeating: 0, count: b * b * k)
        for i in 0..<b {
            for j in (i + 1)..<b {
                let upper = out + (i * b + j) * k
                for d in 0..<c {
                    let xi = x + (i * c + d) * k, xj = x + (j * c + d) * k
                    for q in 0..<k { upper[q] += Swift.abs(xi[q] - xj[q]) }
                }
                (out + (j * b + i) * k).update(from: upper, count: k)
            }
        }
    }
    let points = m.detached
    return result.recording("pairwiseL1Distances", inputs: [m]) { g, _ in
        [try pairwiseSignContraction(points, g)]
    }
}

/// `H(M, G)[i, c, k] = Σ_j (G[i,j,k] + G[j,i,k]) · sign(M[i,c,k] − M[j,c,k])`:
/// `[B, C, K], [B, B, K] -> [B, C, K]`, the gradient of `pairwiseL1Distances` (M constant).
func pairwiseSignContraction(_ m: Tensor, _ g: Tensor) throws -> Tensor {
    let (b, c, k) = (m.shape[0], m.shape[1], m.shape[2])
    let result = Tensor(shape: [b, c, k]) { out, _ in
        let x = m.storage.pointer, gp = g.storage.pointer
        out.update(repeating: 0, count: b * c * k)
        for i in 0..<b {
            for j in 0..<b where j != i {
                let gij = gp + (i * b + j) * k, gji = gp + (j * b + i) * k
                for d in 0..<c {
                    let xi = x + (i * c + d) * k, xj = x + (j * c + d) * k, o = out + (i * c + d) * k
                    for q in 0..<k {
                        let difference = xi[q] - xj[q]
                        let sign: Float = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
                        o[q] += (gij[q] + gji[q]) * sign
                    }
                }
            }
        }
    }
    let points = m.detached
    return result.recording("pairwiseSignContraction", inputs: [g]) { r, _ in
        [try pairwiseSignDifferences(points, r)]
    }
}

/// `S(M, R)[i, j, k] = Σ_c sign(M[i,c,k] − M[j,c,k]) · (R[i,c,k] − R[j,c,k])`:
/// `[B, C, K], [B, C, K] -> [B, B, K]`, the adjoint of `pairwiseSignContraction` in G.
func pairwiseSignDifferences(_ m: Tensor, _ r: Tensor) throws -> Tensor {
    let (b, c, k) = (m.shape[0], m.shape[1], m.shape[2])
    let result = Tensor(shape: [b, b, k]) { out, _ in
        let x = m.storage.pointer, rp = r.storage.pointer
        out.update(repeating: 0, count: b * b * k)
        for i in 0..<b {
            for j in 0..<b where j != i {
                let o = out + (i * b + j) * k
                for d in 0..<c {
                    let xi = x + (i * c + d) * k, xj = x + (j * c + d) * k
                    let ri = rp + (i * c + d) * k, rj = rp + (j * c + d) * k
                    for q in 0..<k {
                        let difference = xi[q] - xj[q]
                        let sign: Float = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
                        o[q] += sign * (ri[q] - rj[q])
                    }
                }
            }
        }
    }
    let points = m.detached
    return result.recording("pairwiseSignDifferences", inputs: [r]) { g, _ in
        [try pairwiseSignContraction(points, g)]
    }
}
