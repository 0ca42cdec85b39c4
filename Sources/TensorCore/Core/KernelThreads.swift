import CDNNLConvolution

/// How TensorCore's own kernels (elementwise passes, reductions, im2col) use the cores: on
/// the OpenMP team that runs oneDNN's primitives (`OMP_NUM_THREADS` threads, else one per
/// core; 1 in `make chapter4`'s workers, which run one per core). Between two primitives
/// that team's threads spin, waiting for work; a pool of our own beside it would fight them
/// for the cores, so large passes are handed to the team instead.
public enum KernelThreads {
    /// The team's size, read once.
    public static let count: Int = max(1, Int(mixedbatch_team_size()))

    /// Below this many elements touched, one thread does the whole job: handing a job to the
    /// team costs tens of microseconds, what a pass over about 256 K floats takes alone.
    public static let minimumParallelWork = 1 << 18

    /// Calls `body` on disjoint ranges covering `0..<count`: the whole range at once, or, when
    /// `work` reaches `minimumParallelWork` and the team has several threads, one range per
    /// thread, concurrently. `body` must only write what its range owns; convolutions or other
    /// parallel kernels it calls run on its own thread alone (the team is busy running it), so
    /// read tensors' `storage.pointer` before (a convolution's output may write its plain
    /// buffer on first read).
    @inline(__always)
    public static func forEachPart(of count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        forEachPart(of: count, work: work) { range, _ in body(range) }
    }

    /// As `forEachPart(of:work:_:)`, also giving each call its part's index, in
    /// `0..<KernelThreads.count` (0 for the single part of a job done at once), so that a part
    /// can write a result of its own (a count, a partial sum) without sharing it.
    @inline(__always)
    public static func forEachPart(of count: Int, work: Int, _ body: (Range<Int>, Int) -> Void) {
        guard work >= minimumParallelWork, count > 1, Self.count > 1 else { return body(0..<count, 0) }
        withoutActuallyEscaping(body) { body in
            var job = Job(count: count, body: body)
            let status = withUnsafeMutablePointer(to: &job) { job in
                mixedbatch_team_run({ context, part, parts in
                    let job = context!.assumingMemoryBound(to: Job.self).pointee
                    let (part, parts) = (Int(part), Int(parts))
                    precondition(parts <= KernelThreads.count, "the team grew beyond the size it reported")
                    job.body(part * job.count / parts ..< (part + 1) * job.count / parts, part)
                }, job)
            }
            if status != 0 { body(0..<count, 0) }  // the worker thread could not start: do it here
        }
    }

    private struct Job {
        let count: Int
        let body: (Range<Int>, Int) -> Void
    }
}

extension Tensor {
    /// A tensor of `shape` whose scalars `fill(range, out)` writes, range by range (disjoint
    /// ranges of flat indices; one range, or one per kernel thread for large tensors).
    static func filledInParts(_ shape: [Int], _ fill: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        Tensor(shape: shape) { out, n in KernelThreads.forEachPart(of: n, work: n) { fill($0, out) } }
    }
}
