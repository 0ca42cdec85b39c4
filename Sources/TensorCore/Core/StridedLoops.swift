/// Loop nests over a row-major output whose operands are read through arbitrary
/// strides (0 for a broadcast axis). Adjacent axes that are contiguous for every
/// operand are merged first, so the inner loop is as long as possible.
@usableFromInline
struct StridedLayout {
    /// Coalesced output shape.
    @usableFromInline var shape: [Int]
    /// Coalesced strides, one array per operand.
    @usableFromInline var strides: [[Int]]

    @usableFromInline
    init(shape: [Int], strides operandStrides: [[Int]]) {
        var shape = shape
        var strides = operandStrides
        // Drop unit axes; they never move an offset.
        var keep: [Int] = []
        for axis in 0..<shape.count where shape[axis] != 1 { keep.append(axis) }
        shape = keep.map { shape[$0] }
        strides = strides.map { s in keep.map { s[$0] } }
        // Merge axis i into i+1 where every operand steps contiguously across them.
        var axis = shape.count - 2
        while axis >= 0 {
            let mergeable = strides.allSatisfy { $0[axis] == $0[axis + 1] * shape[axis + 1] }
            if mergeable {
                shape[axis] *= shape[axis + 1]
                shape.remove(at: axis + 1)
                for k in strides.indices {
                    strides[k][axis] = strides[k][axis + 1]
                    strides[k].remove(at: axis + 1)
                }
            }
            axis -= 1
        }
        if shape.isEmpty {
            shape = [1]
            strides = strides.map { _ in [0] }
        }
        self.shape = shape
        self.strides = strides
    }

    /// Length of the innermost run.
    @usableFromInline var innerCount: Int { shape[shape.count - 1] }

    /// The number of inner runs.
    @usableFromInline var runCount: Int { shape.dropLast().reduce(1, *) }

    /// Calls `body(runIndex, offsets)` for every inner run of `runs` (all of them when nil),
    /// in order, where `runIndex` counts runs (the output offset is `runIndex * innerCount`)
    /// and `offsets[k]` is operand k's offset of the run's first element.
    @inlinable @inline(__always)
    func forEachRun(in runs: Range<Int>? = nil, _ body: (Int, UnsafeMutablePointer<Int>) -> Void) {
        let outerRank = shape.count - 1
        let operands = strides.count
        let runs = runs ?? 0..<runCount
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: max(operands, 1))
        offsets.initialize(repeating: 0, count: max(operands, 1))
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: max(outerRank, 1))
        counter.initialize(repeating: 0, count: max(outerRank, 1))
        defer { offsets.deallocate(); counter.deallocate() }
        // Start the odometer at the first run.
        var rest = runs.lowerBound
        for axis in stride(from: outerRank - 1, through: 0, by: -1) {
            counter[axis] = rest % shape[axis]
            rest /= shape[axis]
            for k in 0..<operands { offsets[k] += counter[axis] * strides[k][axis] }
        }
        for run in runs {
            body(run, offsets)
            // Advance the odometer over the outer axes.
            var axis = outerRank - 1
            while axis >= 0 {
                counter[axis] += 1
                for k in 0..<operands { offsets[k] += strides[k][axis] }
                if counter[axis] < shape[axis] { break }
                for k in 0..<operands { offsets[k] -= strides[k][axis] * shape[axis] }
                counter[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Shape {
    /// Strides that read a tensor of shape `source` as if broadcast to `target`
    /// (0 on broadcast axes). `source` must broadcast to `target`.
    static func broadcastStrides(from source: [Int], to target: [Int]) -> [Int] {
        let natural = strides(source)
        let pad = target.count - source.count
        return (0..<target.count).map { axis in
            axis < pad || source[axis - pad] == 1 ? 0 : natural[axis - pad]
        }
    }
}
