import CKernels

/// Runs `body` with this thread treating subnormal floats (|x| < 2⁻¹²⁶ ≈ 1.2 × 10⁻³⁸) as zero,
/// as operands and as results, then restores the thread's previous mode — also when `body`
/// throws. Arithmetic on subnormals costs Intel cores a microcode assist per vector (27× slower
/// for an Adam update with half its moments subnormal, measured on the Xeon); values that small
/// carry nothing a training step needs. Used by the optimisers' updates, where decaying moments
/// otherwise settle there for good (`mixedbatch_flush_subnormals_begin` says why).
///
/// The mode is per thread: work `body` hands to other threads (BLAS, the kernel team) runs in
/// their own mode.
@inline(__always)
public func withSubnormalsFlushedToZero<R>(_ body: () throws -> R) rethrows -> R {
    let saved = mixedbatch_flush_subnormals_begin()
    defer { mixedbatch_flush_subnormals_end(saved) }
    return try body()
}
