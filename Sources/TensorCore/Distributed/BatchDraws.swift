/// Random draws for tensors whose axis 0 is the batch: under data parallelism (a group of
/// several processes current, each holding a shard of the batch) they are this process's rows
/// of the draw for the global batch, so a sharded run draws exactly what a single-process run
/// draws and no two processes share noise; on one process they are the plain draws.
extension RandomStream {
    /// `normal(shape)` for `shape[0]` local rows of the batch.
    public mutating func batchNormal(_ shape: [Int]) throws -> Tensor {
        guard let rows = shape.first else { return normal(shape) }
        return try DataParallel.current.drawLocalRows(rows) { normal([$0] + shape.dropFirst()) }
    }

    /// `uniform(shape, low:, high:)` for `shape[0]` local rows of the batch.
    public mutating func batchUniform(_ shape: [Int], low: Float = 0, high: Float = 1) throws -> Tensor {
        guard let rows = shape.first else { return uniform(shape, low: low, high: high) }
        return try DataParallel.current.drawLocalRows(rows) { uniform([$0] + shape.dropFirst(), low: low, high: high) }
    }
}
