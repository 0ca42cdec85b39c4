import CBLAS

// Matrix products through OpenBLAS' cblas_sgemm. Transposition is a flag of the
// product, never a copy, so backward rules (dA = dC·Bᵀ, dB = Aᵀ·dC) cost one GEMM each.

extension Tensor {
    /// `scale · op(self) · op(other)` where `op` transposes the last two axes when asked.
    ///
    /// Shapes: `[…, M, K] · […, K, N] -> […, M, N]`; the leading (batch) axes broadcast.
    /// A rank-2 `other` with an untransposed `self` folds the batch into one GEMM. `scale`
    /// is GEMM's α: multiplying by a constant costs nothing (the re-weighted kernels of
    /// Eq. 4.12 use it instead of scaling a copy of the weights).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false,
                       scale: Float = 1) throws -> Tensor {
        guard rank >= 2, other.rank >= 2 else {
            throw TensorError.shapeMismatch(operation: "matmul", lhs: shape, rhs: other.shape,
                                            expected: "both operands need at least two axes")
        }
        let m = transposeSelf ? shape[rank - 1] : shape[rank - 2]
        let k = transposeSelf ? shape[rank - 2] : shape[rank - 1]
        let k2 = transposeOther ? other.shape[other.rank - 1] : other.shape[other.rank - 2]
        let n = transposeOther ? other.shape[other.rank - 2] : other.shape[other.rank - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch(
                operation: "matmul", lhs: shape, rhs: other.shape,
                expected: "inner dimensions must agree (\(k) vs \(k2), transposes: \(transposeSelf), \(transposeOther))")
        }
        if rank > 2 && other.rank == 2 && !transposeSelf {
            let rows = try reshaped([-1, shape[rank - 1]])
            return try rows.matmul(other, transposeOther: transposeOther, scale: scale).reshaped(Array(shape.dropLast()) + [n])
        }
        let batchShape = try Shape.broadcast(Array(shape.dropLast(2)), Array(other.shape.dropLast(2)), operation: "matmul")
        let batch = Shape.count(batchShape)
        let a = broadcastValues(to: batchShape + Array(shape.suffix(2)))
        let b = other.broadcastValues(to: batchShape + Array(other.shape.suffix(2)))
        let result = Tensor(shape: batchShape + [m, n]) { out, _ in
            for i in 0..<batch {
                gemm(a.storage.pointer + i * m * k, transposeSelf, b.storage.pointer + i * k * n, transposeOther,
                     out + i * m * n, m: m, n: n, k: k, alpha: scale)
            }
        }
        let lhs = self, rhs = other
        return result.recording("matmul", inputs: [self, other]) { g, _ in
            let dA: Tensor?, dB: Tensor?
            switch (transposeSelf, transposeOther) {
            case (false, false):
                dA = lhs.requiresGradient ? try g.matmul(rhs, transposeOther: true, scale: scale) : nil
                dB = rhs.requiresGradient ? try lhs.matmul(g, transposeSelf: true, scale: scale) : nil
            case (true, false):
                dA = lhs.requiresGradient ? try rhs.matmul(g, transposeOther: true, scale: scale) : nil
                dB = rhs.requiresGradient ? try lhs.matmul(g, scale: scale) : nil
            case (false, true):
                dA = lhs.requiresGradient ? try g.matmul(rhs, scale: scale) : nil
                dB = rhs.requiresGradient ? try g.matmul(lhs, transposeSelf: true, scale: scale) : nil
            case (true, true):
                dA = lhs.requiresGradient ? try rhs.matmul(g, transposeSelf: true, transposeOther: true, scale: scale) : nil
                dB = rhs.requiresGradient ? try g.matmul(lhs, transposeSelf: true, transposeOther: true, scale: scale) : nil
            }
            return [try dA?.sum(toShape: lhs.shape), try dB?.sum(toShape: rhs.shape)]
        }
    }
}

/// `C[m×n] = α·op(A)·op(B) + β·C` for row-major operands, through `cblas_sgemm`.
@inline(__always)
func gemm(_ a: UnsafePointer<Float>, _ transposeA: Bool, _ b: UnsafePointer<Float>, _ transposeB: Bool,
          _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: m * n) }
        return
    }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(transposeA ? m : k),
                b, Int32(transposeB ? k : n),
                beta, c, Int32(n))
}
