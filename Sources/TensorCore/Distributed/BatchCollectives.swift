/// Differentiable collectives over the batch axis: what lets a layer that looks at the
/// whole batch (ρ of Eq. 4.11, batch normalisation, minibatch discrimination and standard
/// deviation, BGAN's batch prediction) see the *global* batch when each process holds a
/// shard of it. On a single process each is the plain local operation.
extension Tensor {
    /// The element-wise sum of this tensor over the processes of `group` (same shape on
    /// every process). Its gradient is the sum over the processes of theirs: every process's
    /// loss depends on every process's contribution.
    public func allReduced(over group: any ProcessGroup = DataParallel.current) throws -> Tensor {
        guard group.size > 1 else { return self }
        let result = try Tensor(shape: shape) { out, n in
            out.update(from: storage.pointer, count: n)
            try group.allReduceSum(UnsafeMutableBufferPointer(start: out, count: n))
        }
        return result.recording("allReduced", inputs: [self]) { g, _ in [try g.allReduced(over: group)] }
    }

    /// The rows of every process, concatenated in rank order: `[n, …] -> [size·n, …]` (equal
    /// `n` everywhere). The gradient of this process's rows is the sum over the processes of
    /// the gradients of those rows.
    public func allGathered(over group: any ProcessGroup = DataParallel.current) throws -> Tensor {
        guard group.size > 1 else { return self }
        guard rank >= 1 else {
            throw TensorError.invalidShape(operation: "allGathered", shape: shape, expected: "a batch axis [n, …]")
        }
        let rows = shape[0]
        let result = try Tensor(shape: [rows * group.size] + shape.dropFirst()) { out, n in
            try group.allGather(UnsafeBufferPointer(start: storage.pointer, count: count),
                                into: UnsafeMutableBufferPointer(start: out, count: n))
        }
        let own = Array(group.rank * rows..<(group.rank + 1) * rows)
        return result.recording("allGathered", inputs: [self]) { g, _ in
            [try g.allReduced(over: group).indexSelect(own, axis: 0)]
        }
    }

    /// This process's rows `[rank·n, (rank + 1)·n)` of a global-batch tensor `[size·n, …]`.
    public func localShard(in group: any ProcessGroup = DataParallel.current) throws -> Tensor {
        guard group.size > 1 else { return self }
        guard rank >= 1 else {
            throw TensorError.invalidShape(operation: "localShard", shape: shape, expected: "a batch axis [N, …]")
        }
        return try indexSelect(Array(group.shardRows(ofGlobalRows: shape[0])), axis: 0)
    }

    /// The sum over the global batch: the local sum over `axes` (which must include the
    /// batch axis 0), summed over the processes of `group`.
    public func batchSum(alongAxes axes: [Int] = [0], keepingDimensions: Bool = false,
                         over group: any ProcessGroup = DataParallel.current) throws -> Tensor {
        guard axes.contains(0) else {
            throw TensorError.invalidArgument(operation: "batchSum", detail: "the axes \(axes) must include the batch axis 0")
        }
        return try sum(alongAxes: axes, keepingDimensions: keepingDimensions).allReduced(over: group)
    }

    /// The mean over the global batch (`size` equal shards): `batchSum / (size · local count)`.
    /// With one process, `mean(alongAxes:)`.
    public func batchMean(alongAxes axes: [Int] = [0], keepingDimensions: Bool = false,
                          over group: any ProcessGroup = DataParallel.current) throws -> Tensor {
        guard group.size > 1 else { return try mean(alongAxes: axes, keepingDimensions: keepingDimensions) }
        let normalized = try axes.map { try Shape.normalize(axis: $0, rank: rank, operation: "batchMean") }
        let localCount = normalized.reduce(1) { $0 * shape[$1] }
        return try batchSum(alongAxes: normalized, keepingDimensions: keepingDimensions, over: group)
            / Float(localCount * group.size)
    }
}
