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
    /// `body(out, x, range)` over the layout copy of `x` (ranges of its scalars, padding
    /// included, split over the kernel team) when `x` has its values only there (its plain
    /// buffer unwritten): a pointwise function computed in the primitives' layout, the result's
    /// plain buffer written only when read. Nil otherwise (compute it on the plain buffer).
    ///
    /// `body` must map 0 to 0: a blocked layout pads the channels to a multiple of 16 with
    /// zeros, and the padding must stay zero for the next primitive.
    static func pointwiseInLayout(_ x: Tensor,
                                  _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Range<Int>) -> Void) -> Tensor? {
        guard x.storage.isPlainPending, let copy = x.storage.layoutCopy else { return nil }
        return filledInLayout(of: copy, shape: x.shape) { out, part in body(out, copy.data, part) }
    }

    /// `body(out, a, b, range)` over the layout copies of `a` and `b` when both have one in the
    /// same layout and one of them has its values only there (a convolution's output, or an op
    /// computed in the layout before): the sum of a residual block's two branches, an
    /// activation's gradient between two convolutions. Nil otherwise. `body` must map (0, 0)
    /// to 0 (see the unary form).
    static func pointwiseInLayout(_ a: Tensor, _ b: Tensor,
                                  _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, Range<Int>) -> Void) -> Tensor? {
        guard a.shape == b.shape, a.storage.isPlainPending || b.storage.isPlainPending,
              let aCopy = a.storage.layoutCopy, let bCopy = b.storage.layoutCopy, aCopy.hasLayout(of: bCopy) else { return nil }
        // The result takes the pending operand's way back to the plain layout (an input's copy has none).
        let model = a.storage.isPlainPending ? aCopy : bCopy
        return filledInLayout(of: model, shape: a.shape) { out, part in body(out, aCopy.data, bCopy.data, part) }
    }

    /// A tensor of `shape` whose values exist only in a new copy in `layout`'s layout, filled by
    /// `fill(out, range)` over ranges of the copy's scalars split over the kernel team.
    private static func filledInLayout(of layout: OneDNNLayoutCopy, shape: [Int],
                                       _ fill: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) -> Tensor {
        let result = layout.emptyLike()
        return valuesOnly(in: result, shape: shape) { out in
            KernelThreads.forEachPart(of: result.count, work: result.count) { fill(out, $0) }
        }
    }

    /// A tensor of `shape` whose values exist only in `copy` (its plain buffer written when read),
    /// after `fill(copy.data)` writes them.
    static func valuesOnly(in copy: OneDNNLayoutCopy, shape: [Int], _ fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        fill(copy.data)
        return Tensor(storage: TensorStorage(count: Shape.count(shape), valuesIn: copy), shape: shape)
    }
}
