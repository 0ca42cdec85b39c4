import TensorCore

/// Every `Optimizer` checkpoints its `OptimizerState`: the state tensors under their keys
/// (`layers.0.weight.exp_avg`) and the step count as the counter `step_count`. The
/// learning rate is configuration, not state, and is not restored.
extension Optimizer {
    public var checkpointState: CheckpointState {
        let state = self.state
        return CheckpointState(tensors: state.tensors, counters: [OptimizerCheckpointKeys.stepCount: Int64(state.stepCount)])
    }

    public func restoreCheckpointState(_ state: CheckpointState) throws {
        let unexpected = Set(state.counters.keys).subtracting([OptimizerCheckpointKeys.stepCount]).sorted()
            + state.scalars.keys.sorted()
        guard unexpected.isEmpty else {
            throw OptimizerError.invalidState(optimizer: "\(type(of: self))",
                                              detail: "unexpected counters or scalars \(unexpected); an optimiser stores only '\(OptimizerCheckpointKeys.stepCount)'")
        }
        guard let stepCount = state.counters[OptimizerCheckpointKeys.stepCount], let steps = Int(exactly: stepCount) else {
            throw OptimizerError.invalidState(optimizer: "\(type(of: self))",
                                              detail: "the counter '\(OptimizerCheckpointKeys.stepCount)' is missing")
        }
        try restore(OptimizerState(stepCount: steps, tensors: state.tensors))
    }
}

enum OptimizerCheckpointKeys {
    static let stepCount = "step_count"
}
