import CBLAS
import CDNNLConvolution
import CKernels
import Foundation

// Matrix products through OpenBLAS' cblas_sgemm or oneDNN (`GEMMBackend`).
// Transposition is a flag of the product, never a copy, so backward rules (dA = dC·Bᵀ,
// dB = Aᵀ·dC) cost one GEMM each.

/// Which library computes the matrix products (`MIXEDBATCH_GEMM`, read when the process starts).
///
/// `automatic` (the default, `auto`): oneDNN's GEMM for products of at least
/// `oneDNNMinimumWork` multiply-adds, on the OpenMP team of the convolutions, OpenBLAS' below.
/// On the 2-core Xeon oneDNN ran the products of a width-512 perceptron 1.3–1.8× faster than
/// OpenBLAS (e.g. [64×512]·[512×512] 115 µs against 206 µs), and with the products and the
/// optimiser's update (`ElementwiseOptimizer`) on one team, no second pool of threads spins
/// beside it. `openBLAS` (`openblas`): every product on OpenBLAS, the rounding of builds before
/// this choice. The two libraries sum in different orders, so the last digits of a result differ.
public enum GEMMBackend: String, Sendable {
    case automatic = "auto"
    case openBLAS = "openblas"

    public static let current: GEMMBackend = {
        guard let text = ProcessInfo.processInfo.environment["MIXEDBATCH_GEMM"], !text.isEmpty else { return .automatic }
        guard let backend = GEMMBackend(rawValue: text) else {
            fatalError("MIXEDBATCH_GEMM=\(text) is not a GEMM backend: use auto (the default) or openblas")
        }
        return backend
    }()

    /// 2²⁴ multiply-adds ([64×512]·[512×512], the smallest large product of a width-512
    /// perceptron at batch 64): such a product takes over 100 µs, the hand-over to oneDNN's
    /// worker about 6 µs in a loop of empty jobs and 20–45 µs inside a width-512 iteration.
    /// Below it products stay on OpenBLAS: the default scales of chapter 4 (width 64; the
    /// 1/16-width SNGAN's largest product is 2²²) keep the digits of their tables, and a width-256
    /// iteration, which at 2²³ mixed both libraries' threads in one step, was no faster for it
    /// (6.1–6.6 ms against 6.0–6.1).
    public static let oneDNNMinimumWork = 1 << 24

    /// Outer products (k = 1) with at least 2¹⁶ entries (a width-256 layer) are written row by
    /// row as `(α·a[i])·b`, without a GEMM: OpenBLAS packed the operands of the 512×512 weight
    /// gradient of an equivariant layer's Γ (the ρ(x)Γ̃ term of Eq. 4.12) for 78 µs an outer
    /// product in the width-512 2D iteration. Under `openBLAS` and below this size they stay on
    /// OpenBLAS and keep their old bits (the default scales' width-64 layers among them).
    public static let outerProductMinimumEntries = 1 << 16

    /// Whether `C[m×n] = α·op(A)[m×1]·op(B)[1×n]` is written directly (`outerProductMinimumEntries`).
    @inline(__always)
    static func writesOuterProduct(m: Int, n: Int, k: Int, beta: Float) -> Bool {
        k == 1 && beta == 0 && m * n >= outerProductMinimumEntries && largeProductsRunOnTheTeam
    }

    /// Whether large products run on the kernel team (`KernelThreads`): other large work (the
    /// optimisers' updates) may then use the team too without a second pool spinning beside it.
    public static var largeProductsRunOnTheTeam: Bool { current == .automatic }

    /// Whether a product of `m·n·k` multiply-adds goes to oneDNN.
    @inline(__always)
    public static func usesOneDNN(m: Int, n: Int, k: Int) -> Bool {
        largeProductsRunOnTheTeam && m * n * k >= oneDNNMinimumWork
    }
}

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

/// `C[m×n] = α·op(A)·op(B) + β·C` for row-major operands, through oneDNN
/// (`mixedbatch_dnnl_gemm`: its matmul primitive for A·Bᵀ, `dnnl_sgemm` otherwise), a direct
/// outer product (`GEMMBackend.outerProductMinimumEntries`) or `cblas_sgemm` (`GEMMBackend`;
/// OpenBLAS also when oneDNN fails, e.g. its worker thread could not start).
@inline(__always)
func gemm(_ a: UnsafePointer<Float>, _ transposeA: Bool, _ b: UnsafePointer<Float>, _ transposeB: Bool,
          _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0) {
    if m == 0 || n == 0 { return }
    ProductTrace.note(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: m * n) }
        return
    }
    if GEMMBackend.writesOuterProduct(m: m, n: n, k: k, beta: beta) {
        // With k = 1 op(A)'s column is a[0..<m] and op(B)'s row b[0..<n], transposed or not.
        for i in 0..<m {
            var scaled = alpha * a[i]
            mixedbatch_binary(Int32(MIXEDBATCH_MULTIPLY), &scaled, 0, b, 1, c + i * n, n)
        }
        return
    }
    let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
    if GEMMBackend.usesOneDNN(m: m, n: n, k: k),
       mixedbatch_dnnl_gemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int64(m), Int64(n), Int64(k), alpha, a,
                            Int64(lda), b, Int64(ldb), beta, c, Int64(n)) == 0 {
        return
    }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda),
                b, Int32(ldb),
                beta, c, Int32(n))
}
