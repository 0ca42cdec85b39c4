import TensorCore

/// What a checkpoint holds besides tensors: its step, metadata, random streams and the
/// names of its modules and optimisers. Returned by `Checkpoint.restore` and `Checkpoint.inspect`.
public struct CheckpointContents {
    /// The file it was read from.
    public let path: String
    /// The training step at which it was saved.
    public let step: Int
    /// Free-form strings saved with it (config, commit, …).
    public let metadata: [String: String]
    /// The free-standing random streams saved with it, by name.
    public let randomStreams: [String: RandomStream]
    public let moduleNames: [String]
    public let optimizerNames: [String]

    /// The random stream saved as `name`, or an error listing those that were saved.
    public func randomStream(_ name: String) throws -> RandomStream {
        guard let stream = randomStreams[name] else {
            throw CheckpointError.randomStreamNotFound(file: path, name: name, available: randomStreams.keys.sorted())
        }
        return stream
    }
}
