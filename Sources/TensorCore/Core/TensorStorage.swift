import CKernels
import Foundation
import Synchronization

/// A reference-counted, 64-byte aligned, contiguous buffer of `Float` scalars.
///
/// `Tensor` is a value type over this buffer: copies share it until one of them is
/// mutated (copy-on-write through `Tensor.withUnsafeMutableScalars`).
///
/// A convolution's output may leave the buffer unwritten while its values are in a
/// `OneDNNLayoutCopy` (the primitive's blocked layout): the next convolution reads the copy,
/// and `pointer` writes the buffer on first use, so every other reader sees the plain values.
public final class TensorStorage {
    public let count: Int
    private let plain: UnsafeMutablePointer<Float>
    /// `written`, `pending` (the values are in the layout copy only) or `writing`.
    private let plainState = Atomic<Int>(PlainState.written)
    /// See `layoutCopy`; read and written under its lock.
    var layoutCopyStorage: OneDNNLayoutCopy?

    private enum PlainState {
        static let written = 0, pending = 1, writing = 2
    }

    /// Allocates `count` scalars; their values are undefined until written.
    public init(uninitializedCount count: Int) {
        _ = allocatorTuned
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        plain = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// `count` scalars whose values are those of `copy`, written to the plain buffer on first use.
    convenience init(count: Int, valuesIn copy: OneDNNLayoutCopy) {
        self.init(uninitializedCount: count)
        layoutCopyStorage = copy
        plainState.store(PlainState.pending, ordering: .releasing)
    }

    public convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        plain.initialize(repeating: value, count: count)
    }

    public convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(uninitializedCount: count)
        plain.initialize(from: source, count: count)
    }

    /// The scalars, in row-major order of the tensor's shape (written from the layout copy first
    /// if they were not yet).
    public var pointer: UnsafeMutablePointer<Float> {
        if plainState.load(ordering: .acquiring) != PlainState.written { writePlain() }
        return plain
    }

    /// Whether the plain buffer is still unwritten (the values in `layoutCopy` only).
    var isPlainPending: Bool { plainState.load(ordering: .acquiring) != PlainState.written }

    /// The plain buffer as it is, written or not: for oneDNN calls, which read the layout copy or
    /// ask for the plain buffer (`MIXEDBATCH_DNNL_NEEDS_PLAIN`), and for outputs being filled.
    var unwrittenPointer: UnsafeMutablePointer<Float> { plain }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    /// One thread writes the plain buffer; others reading it meanwhile wait.
    private func writePlain() {
        while true {
            let (won, state) = plainState.compareExchange(expected: PlainState.pending, desired: PlainState.writing,
                                                          ordering: .acquiringAndReleasing)
            if won {
                layoutCopyStorage!.write(into: plain)
                plainState.store(PlainState.written, ordering: .releasing)
                return
            }
            if state == PlainState.written { return }
            sched_yield()
        }
    }

    deinit { UnsafeMutableRawPointer(plain).deallocate() }
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
