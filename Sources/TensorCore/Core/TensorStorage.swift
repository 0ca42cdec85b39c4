import CKernels

/// A reference-counted, 64-byte aligned, contiguous buffer of `Float` scalars.
///
/// `Tensor` is a value type over this buffer: copies share it until one of them is
/// mutated (copy-on-write through `Tensor.withUnsafeMutableScalars`).
public final class TensorStorage {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>
    /// See `layoutCopy`; read and written under its lock.
    var layoutCopyStorage: OneDNNLayoutCopy?

    /// Allocates `count` scalars; their values are undefined until written.
    public init(uninitializedCount count: Int) {
        _ = allocatorTuned
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    public convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    public convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(from: source, count: count)
    }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}

/// Training loops free and re-allocate the same large buffers (activations, gradients,
/// im2col matrices) every step. glibc serves blocks above its mmap threshold (128 KiB at
/// first) with fresh mappings, so each step paid page faults and page clearing; with the
/// threshold at its maximum (32 MiB) and trimming raised, such blocks are reused from the
/// heap. Done once, before the first tensor is allocated.
private let allocatorTuned: Bool = {
    mixedbatch_tune_allocator()
    return true
}()
