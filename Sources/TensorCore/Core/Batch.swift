/// One batch of training data: its rows and, when the data have them, one class label per
/// row and real-valued conditions.
///
/// Shapes: `inputs` is `[B, …]`; `labels` has B entries; `conditions` is `[B, …]`.
public struct Batch {
    public var inputs: Tensor
    /// Class indices, one per row (CIFAR-10's classes, a mixture's components), or nil.
    public var labels: [Int]?
    /// Real-valued conditions `[B, …]` (a conditional decoder's context), or nil.
    public var conditions: Tensor?

    public init(inputs: Tensor, labels: [Int]? = nil, conditions: Tensor? = nil) throws {
        let rows = inputs.rank == 0 ? 0 : inputs.shape[0]
        guard inputs.rank >= 1 else {
            throw TensorError.invalidShape(operation: "Batch", shape: inputs.shape, expected: "inputs [B, …] with B rows")
        }
        if let labels, labels.count != rows {
            throw TensorError.invalidArgument(operation: "Batch", detail: "\(labels.count) labels for \(rows) rows")
        }
        if let conditions, conditions.rank == 0 || conditions.shape[0] != rows {
            throw TensorError.invalidShape(operation: "Batch", shape: conditions.shape,
                                           expected: "conditions [\(rows), …], one row per input row")
        }
        self.inputs = inputs
        self.labels = labels
        self.conditions = conditions
    }

    /// B, the number of rows.
    public var count: Int { inputs.shape[0] }
}

extension Batch {
    /// This process's rows of a global batch (the batch itself on one process).
    public func localShard(in group: any ProcessGroup) throws -> Batch {
        guard group.size > 1 else { return self }
        let rows = try group.shardRows(ofGlobalRows: count)
        return try Batch(inputs: inputs.localShard(in: group), labels: labels.map { Array($0[rows]) },
                         conditions: conditions?.localShard(in: group))
    }
}
