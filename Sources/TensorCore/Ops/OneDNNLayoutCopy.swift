import CDNNLConvolution
import Foundation

/// A tensor's scalars in the layout a oneDNN convolution primitive chose for them (blocked
/// `nChw16c` at full width, channels-last for few channels), kept with the tensor's storage:
/// the next primitive that wants the same layout reads it instead of reordering the plain NCHW
/// buffer again. A convolution's output is the next convolution's input (with the activation
/// fused into the first, nothing lies between them in a discriminator), and a convolution's
/// input is read again by its backward-weights primitive. The plain buffer stays the tensor's
/// value; the copy holds the same scalars, so results are bit-identical with or without it.
final class OneDNNLayoutCopy: @unchecked Sendable {
    let handle: OpaquePointer

    init?(_ handle: OpaquePointer?) {
        guard let handle else { return nil }
        self.handle = handle
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
        set { Self.layoutCopyLock.withLock { layoutCopyStorage = newValue } }
    }
}
