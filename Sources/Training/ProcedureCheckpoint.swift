import NeuralNet
import TensorCore

extension TrainingProcedure {
    /// Writes everything the procedure needs to resume bit for bit to one HDF5 checkpoint
    /// (atomically): each player's module (`modules/<player>`), optimiser
    /// (`optimizers/<player>`) and parameter average (`optimizers/<player>.average`), every
    /// random stream, the iteration (the checkpoint's step) and `metadata`.
    public func saveCheckpoint(to path: String, metadata: [String: String]) throws {
        let (modules, states) = checkpointEntries
        try Checkpoint.save(to: path, step: iteration, modules: modules, optimizers: states,
                            randomStreams: streams.byName, metadata: metadata, overwrite: true)
    }

    /// Restores what `saveCheckpoint` wrote into this procedure's players, streams and
    /// iteration, and returns the checkpoint's contents (its metadata). Nothing changes when
    /// the file does not fit the procedure (`CheckpointError.mismatch` lists every problem).
    @discardableResult
    public func restoreCheckpoint(from path: String) throws -> CheckpointContents {
        let contents = try Checkpoint.inspect(path)
        guard contents.step >= 0 else {
            throw CheckpointError.mismatch(file: path, problems: ["its step \(contents.step) is negative; the file is damaged"])
        }
        let restoredStreams = try RandomStreams(restoring: contents.randomStreams, expected: streams.names)
        let (modules, states) = checkpointEntries
        try Checkpoint.restore(from: path, modules: modules, optimizers: states)
        streams = restoredStreams
        iteration = contents.step
        return contents
    }

    /// Each player's module, and its optimiser and parameter average, by checkpoint name.
    private var checkpointEntries: (modules: [String: Module], states: [String: any CheckpointableState]) {
        var modules: [String: Module] = [:], states: [String: any CheckpointableState] = [:]
        for player in players {
            modules[player.name] = player.module
            states[player.name] = player.optimizer
            if let averaging = player.averaging { states[player.name + ".average"] = averaging }
        }
        return (modules, states)
    }
}
