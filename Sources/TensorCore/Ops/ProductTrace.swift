import CKernels

/// The matrix products a stretch of code computes, recorded in order, and their replay alone on
/// warm operands: a floor for a step whose time is mostly products (the width-512 2D iterations
/// of chapter 4). No step can take less than its own products run back to back through the
/// same dispatch (`gemm`: oneDNN's matmul primitive or `dnnl_sgemm`, OpenBLAS, the direct outer
/// product), without the activations, the graph or the optimiser between them.
///
/// ```swift
/// let products = try ProductTrace.record { try procedure.trainIteration() }
/// let replay = ProductTrace.Replay(products)
/// replay.run()  // time this
/// ```
///
/// Recording is per thread: it sees the products its own thread calls (a training step's), not
/// those of other threads running at the same time (other tests, a team's parts).
public enum ProductTrace {
    /// One `C[m×n] = α·op(A)·op(B) + β·C`.
    public struct Product: Hashable, Sendable {
        public let m, n, k: Int
        public let transposeA, transposeB: Bool
        public let alpha, beta: Float

        public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1,
                    beta: Float = 0) {
            (self.m, self.n, self.k, self.transposeA, self.transposeB, self.alpha, self.beta) =
                (m, n, k, transposeA, transposeB, alpha, beta)
        }

        public var multiplyAdds: Int { m * n * k }
    }

    /// The list a recording thread appends to, held in its C thread-local slot.
    private final class Recording {
        var products: [Product] = []
    }

    /// Every product `body` computes on this thread, in order. Recordings do not nest.
    public static func record(_ body: () throws -> Void) throws -> [Product] {
        let slot = mixedbatch_product_trace_slot()!
        precondition(slot.pointee == nil, "ProductTrace.record does not nest")
        let recording = Recording()
        slot.pointee = Unmanaged.passRetained(recording).toOpaque()
        defer {
            Unmanaged<Recording>.fromOpaque(slot.pointee!).release()
            slot.pointee = nil
        }
        try body()
        return recording.products
    }

    /// Notes a product when this thread is recording (a thread-local load and test otherwise).
    @inline(__always)
    static func note(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float) {
        guard let opaque = mixedbatch_product_trace_slot()!.pointee else { return }
        Unmanaged<Recording>.fromOpaque(opaque).takeUnretainedValue().products.append(
            Product(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta))
    }

    /// Operands for `products` — one set per distinct product, drawn from a seeded normal
    /// stream, so that repeated products reuse warm buffers — and the replay itself.
    public final class Replay {
        public let products: [Product]
        /// op(A) is `[m×k]` (stored `[k×m]` when transposed), op(B) `[k×n]`, C `[m×n]`.
        private(set) var operands: [Product: (a: Tensor, b: Tensor, c: Tensor)] = [:]

        public init(_ products: [Product], seed: UInt64 = 1) {
            self.products = products
            var random = RandomStream(seed: seed)
            for product in products where operands[product] == nil {
                let (m, n, k) = (product.m, product.n, product.k)
                operands[product] = (random.normal(product.transposeA ? [k, m] : [m, k]),
                                     random.normal(product.transposeB ? [n, k] : [k, n]), Tensor.zeros([m, n]))
            }
        }

        /// The multiply-adds of one replay.
        public var multiplyAdds: Int { products.reduce(0) { $0 + $1.multiplyAdds } }

        /// Computes every product once, in the recorded order (β = 1 products accumulate onto
        /// their C, as in the step).
        public func run() {
            for product in products {
                let (a, b, c) = operands[product]!
                gemm(a.storage.pointer, product.transposeA, b.storage.pointer, product.transposeB, c.storage.pointer,
                     m: product.m, n: product.n, k: product.k, alpha: product.alpha, beta: product.beta)
            }
        }
    }
}
