import CBLAS
import Dispatch

/// How many threads TensorCore's own kernels (im2col, col2im) use: as many as
/// OpenBLAS does (`OPENBLAS_NUM_THREADS`; 1 in `make chapter4`'s workers, which run one per
/// core), read once. Outside GEMM the other OpenBLAS threads' cores are idle.
enum KernelThreads {
    static let count: Int = max(1, Int(openblas_get_num_threads()))

    /// Below this many elements touched, one thread does the whole job (a split costs more).
    static let minimumParallelWork = 1 << 20

    /// Calls `body` on disjoint ranges covering `0..<count`: the whole range at once, or, when
    /// `work` reaches `minimumParallelWork` and there are several threads, one range per
    /// thread, concurrently. `body` must only write what its range owns.
    @inline(__always)
    static func forEachPart(of count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let parts = work >= minimumParallelWork ? min(count, Self.count) : 1
        guard parts > 1 else { return body(0..<count) }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part * count / parts ..< (part + 1) * count / parts)
        }
    }
}
