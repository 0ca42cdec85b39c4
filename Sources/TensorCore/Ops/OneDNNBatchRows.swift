import CDNNLConvolution
import CKernels

/// Batch-axis operations on tensors whose values live only in a convolution primitive's layout:
/// the permutation-equivariant layers of chapter 4 (`EquivariantConv2D`) add the response to the
/// batch-mean feature map, `[1, C, H, W]`, to every sample's `[B, C, H, W]`, and their gradients
/// sum over the batch and broadcast back. Every layout oneDNN picks for activations (NCHW, NHWC,
/// channel-blocked) keeps the batch axis outermost, so sample n is one contiguous row of the
/// copy and these operations work row by row there, as on plain buffers: the same additions in
/// the same order (the same bits), no reorder out of the layout and back in.
extension OneDNNLayoutCopy {
    /// The scalars of one batch row (padding included) when the layout keeps the batch outermost.
    var rowSize: Int? {
        let size = Int(mixedbatch_dnnl_layout_copy_row_size(handle))
        return size > 0 ? size : nil
    }

    /// The row size when the layout keeps the batch outermost with `shape[0]` rows (a sum over
    /// the batch without kept dimensions leaves a copy of one row under a shape without it).
    func holdsRows(of shape: [Int]) -> Int? {
        guard let row = rowSize, let rows = shape.first, row * rows == count else { return nil }
        return row
    }

    /// Whether `other` has this layout but for the number of batch rows.
    func matchesButRows(_ other: OneDNNLayoutCopy) -> Bool {
        mixedbatch_dnnl_layout_copies_match_but_rows(handle, other.handle) != 0
    }

    /// A new copy of this layout with `rows` batch rows (values undefined), or nil.
    func withRows(_ rows: Int) -> OneDNNLayoutCopy? {
        OneDNNLayoutCopy(mixedbatch_dnnl_layout_copy_with_rows(handle, Int64(rows)))
    }
}

extension Tensor {
    /// The layout copy of a tensor whose values are only there, with its row size.
    private var pendingRows: (copy: OneDNNLayoutCopy, rowSize: Int)? {
        guard rank >= 2, storage.isPlainPending, let copy = storage.layoutCopy, let rowSize = copy.holdsRows(of: shape) else { return nil }
        return (copy, rowSize)
    }

    /// `Σ_b x[b]`, `[B, …] -> [1, …]`, in x's layout when x has its values only there: rows added
    /// in order 0, 1, …, B − 1 as the plain kernel adds them. Nil otherwise.
    static func batchSumInLayout(_ x: Tensor) -> Tensor? {
        guard let (copy, row) = x.pendingRows, let result = copy.withRows(1) else { return nil }
        let (rows, source) = (x.shape[0], copy.data)
        return valuesOnly(in: result, shape: [1] + x.shape.dropFirst()) { out in
            KernelThreads.forEachPart(of: row, work: rows * row) { part in
                (out + part.lowerBound).update(from: source + part.lowerBound, count: part.count)
                for n in 1..<Swift.max(rows, 1) {
                    let next = source + n * row
                    for i in part { out[i] += next[i] }
                }
            }
        }
    }

    /// `[1, …] -> [rows, …]` (copies of the one row) in x's layout when x has its values only
    /// there. Nil otherwise.
    static func batchBroadcastInLayout(_ x: Tensor, rows: Int) -> Tensor? {
        guard x.shape[0] == 1, rows > 1, let (copy, row) = x.pendingRows, let result = copy.withRows(rows) else { return nil }
        let source = copy.data
        return valuesOnly(in: result, shape: [rows] + x.shape.dropFirst()) { out in
            KernelThreads.forEachPart(of: rows, work: rows * row) { part in
                for n in part { (out + n * row).update(from: source, count: row) }
            }
        }
    }

    /// `body(out, a, b, count)` row by row where one of `a`, `b` is `[B, …]` and the other `[1, …]`
    /// (broadcast over the batch), both with copies in one layout but for the rows and one of
    /// them with its values only there. `body` must map (0, 0) to 0 (the padding stays zero).
    static func batchBroadcastingInLayout(
        _ a: Tensor, _ b: Tensor,
        _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Void
    ) -> Tensor? {
        guard a.rank == b.rank, a.rank >= 2, a.shape.dropFirst() == b.shape.dropFirst(),
              (a.shape[0] == 1) != (b.shape[0] == 1), a.storage.isPlainPending || b.storage.isPlainPending,
              let aCopy = a.storage.layoutCopy, let bCopy = b.storage.layoutCopy, let row = aCopy.holdsRows(of: a.shape),
              bCopy.holdsRows(of: b.shape) == row, aCopy.matchesButRows(bCopy) else { return nil }
        let rows = Swift.max(a.shape[0], b.shape[0])
        guard let result = (a.shape[0] == rows ? aCopy : bCopy).withRows(rows) else { return nil }
        let (aStep, bStep) = (a.shape[0] == 1 ? 0 : row, b.shape[0] == 1 ? 0 : row)
        let (pa, pb) = (UnsafePointer(aCopy.data), UnsafePointer(bCopy.data))
        return valuesOnly(in: result, shape: [rows] + a.shape.dropFirst()) { out in
            KernelThreads.forEachPart(of: rows, work: 2 * rows * row) { part in
                for n in part { body(out + n * row, pa + n * aStep, pb + n * bStep, row) }
            }
        }
    }

    /// `x ∘ s` for a scalar s in x's layout when x has its values only there and `∘` maps 0 to 0
    /// for this s (a product with a finite s, a quotient by a finite non-zero s). Nil otherwise.
    static func scalarInLayout(_ x: Tensor, _ s: Float, _ operation: ArithmeticOperation) -> Tensor? {
        let keepsZero = operation == .multiply ? s.isFinite : operation == .divide && s.isFinite && s != 0
        guard keepsZero else { return nil }
        let scalar = [s]
        return pointwiseInLayout(x) { out, values, part in
            mixedbatch_binary(operation.code, values + part.lowerBound, 1, scalar, 0, out + part.lowerBound, part.count)
        }
    }
}
