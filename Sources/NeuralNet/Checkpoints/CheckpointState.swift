import TensorCore

/// The saved state of a stateful training component other than a module (an optimiser, a
/// learning-rate schedule, an EMA of weights): named tensors and named scalars.
///
/// In a checkpoint it lives in the group `optimizers/<name>`: each tensor is a float32 dataset
/// named by its key (flat names; dots are fine, slashes are not), each counter an int64
/// attribute and each scalar a float64 attribute of the group, so h5py reads
/// `f["optimizers/generator/layers.0.weight.exp_avg"]` and `f["optimizers/generator"].attrs["step_count"]`.
/// Counters and scalars share the attribute namespace, so their names must differ.
public struct CheckpointState {
    public var tensors: [String: Tensor]
    /// Integer state such as step counts.
    public var counters: [String: Int64]
    /// Real-valued state such as a scheduled learning rate.
    public var scalars: [String: Double]

    public init(tensors: [String: Tensor] = [:], counters: [String: Int64] = [:], scalars: [String: Double] = [:]) {
        self.tensors = tensors
        self.counters = counters
        self.scalars = scalars
    }
}

/// A component whose state checkpoints save and restore next to the modules' parameters.
///
/// Contract:
/// - `checkpointState` is a snapshot: later changes of the component do not alter it.
/// - `restoreCheckpointState(_:)` validates the whole state first and throws, leaving the
///   component unchanged, when it does not fit (unknown or missing names, wrong shapes);
///   the error's description says what does not fit.
/// - Restoring a snapshot taken from the same component never throws (`Checkpoint.restore`
///   relies on it to roll a component back when another part of the checkpoint does not fit).
public protocol CheckpointableState: AnyObject {
    var checkpointState: CheckpointState { get }
    func restoreCheckpointState(_ state: CheckpointState) throws
}
