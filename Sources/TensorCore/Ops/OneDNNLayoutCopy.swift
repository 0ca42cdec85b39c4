import CDNNLConvolution
import Foundation

/// A tensor's scalars in the layout a oneDNN convolution primitive chose for them (blocked
/// `nChw16c` at full width, channels-last for few channels), kept with the tensor's storage:
/// the next primitive that wants the same layout reads it instead of reordering the plain NCHW
/// buffer again. A convolution's output is the next convolution's input (with the activation
/// fused into the first, nothing lies between them in a discriminator), and a convolution's
/// input is read again by its backward-weights primitive. The copy holds the same scalars as the
/// plain buffer, so results are bit-identical with or without it; an output's plain buffer may
/// stay unwritten until something else reads it (see `TensorStorage.pointer`).
final class OneDNNLayoutCopy: @unchecked Sendable {
    let handle: OpaquePointer

    init?(_ handle: OpaquePointer?) {
        guard let handle else { return nil }
        self.handle = handle
    }

    /// A new copy in this one's layout, its values undefined.
    func emptyLike() -> OneDNNLayoutCopy {
        guard let copy = OneDNNLayoutCopy(mixedbatch_dnnl_layout_copy_like(handle)) else {
            fatalError("out of memory for a copy of \(count) scalars")
        }
        return copy
    }

    /// The scalars in the layout, padding included.
    var data: UnsafeMutablePointer<Float> { mixedbatch_dnnl_layout_copy_data(handle) }
    var count: Int { Int(mixedbatch_dnnl_layout_copy_count(handle)) }

    func hasLayout(of other: OneDNNLayoutCopy) -> Bool { mixedbatch_dnnl_layout_copies_match(handle, other.handle) != 0 }

    /// Writes the values, in row-major NCHW order, into `plain`.
    func write(into plain: UnsafeMutablePointer<Float>) {
        let status = mixedbatch_dnnl_layout_copy_write_plain(handle, plain)
        precondition(status == 0, "oneDNN could not write a tensor's values back from its layout copy (status \(status))")
    }

    deinit { mixedbatch_dnnl_layout_copy_release(handle) }
}

extension TensorStorage {
    /// Guards every storage's layout copy: tensors may be shared by threads (data parallelism).
    private static let layoutCopyLock = NSLock()

    /// These scalars in a primitive's layout, or nil. Mutating the scalars in place
    /// (`Tensor.withUnsafeMutableScalars`) drops it.
    var layoutCopy: OneDNNLayoutCopy? {
        get { Self.layoutCopyLock.withLock { layoutCopyStorage } }
        set {
            if isPlainPending { _ = pointer }  // the values must not be lost with the copy
            Self.layoutCopyLock.withLock { layoutCopyStorage = newValue }
        }
    }

    /// The layout copy as an input of a oneDNN call.
    var inputCopy: (copy: OneDNNLayoutCopy?, argument: mixedbatch_dnnl_input_copy) {
        let copy = layoutCopy
        return (copy, mixedbatch_dnnl_input_copy(copy: copy?.handle, plain_pending: isPlainPending ? 1 : 0))
    }
}

extension Tensor {
    /// `body(out, a, b, range)` over the layout copies of `a` and `b` (ranges of their scalars,
    /// padding included, split over the kernel team) when `a` has its values only in
    /// one (its plain buffer unwritten) and `b` has one in the same layout: a pointwise function
    /// of the two computed in the primitives' layout, the result's plain buffer written only when
    /// read. Nil otherwise (compute it on the plain buffers).
    static func pointwiseInLayout(_ a: Tensor, _ b: Tensor,
                                  _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, Range<Int>) -> Void) -> Tensor? {
        guard a.storage.isPlainPending, a.shape == b.shape, let aCopy = a.storage.layoutCopy,
              let bCopy = b.storage.layoutCopy, aCopy.hasLayout(of: bCopy) else { return nil }
        let result = aCopy.emptyLike()
        let (out, pa, pb, n) = (result.data, aCopy.data, bCopy.data, result.count)
        KernelThreads.forEachPart(of: n, work: n) { body(out, pa, pb, $0) }
        return Tensor(storage: TensorStorage(count: a.count, valuesIn: result), shape: a.shape)
    }
}
