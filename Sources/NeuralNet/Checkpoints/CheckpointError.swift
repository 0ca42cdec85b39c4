/// Failures of saving or restoring a checkpoint beyond those of the file itself (which are
/// `HDF5Error`s: missing, truncated, foreign files).
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint does not fit the modules or optimisers it is restored into; `problems`
    /// lists every mismatch, one sentence each. Nothing was modified.
    case mismatch(file: String, problems: [String])
    /// An HDF5 file that is not a MixedBatch checkpoint (no or wrong `format` attribute).
    case notACheckpoint(file: String, detail: String)
    /// A checkpoint written by a newer format version.
    case unsupportedVersion(file: String, version: Int, supported: Int)
    /// A module, optimiser, random-stream or metadata name that cannot be stored.
    case invalidName(kind: String, name: String, detail: String)
    /// A random stream asked for that the checkpoint does not hold.
    case randomStreamNotFound(file: String, name: String, available: [String])

    public var description: String {
        switch self {
        case let .mismatch(file, problems):
            let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
            return "checkpoint \(file) does not fit (\(count); nothing was restored):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
                + "\nBuild the model and optimisers with the configuration the checkpoint was saved with "
                + "(its metadata holds it: Checkpoint.inspect), or start from a matching checkpoint."
        case let .notACheckpoint(file, detail):
            return "\(file) is an HDF5 file but not a MixedBatch checkpoint (\(detail)) — "
                + "pass a file written by Checkpoint.save"
        case let .unsupportedVersion(file, version, supported):
            return "checkpoint \(file) has format version \(version), this library reads up to \(supported) — "
                + "update MixedBatch to read it"
        case let .invalidName(kind, name, detail):
            return "\(kind) name '\(name)' cannot be stored in a checkpoint: \(detail)"
        case let .randomStreamNotFound(file, name, available):
            let listing = available.isEmpty ? "it holds none" : "it holds " + available.map { "'\($0)'" }.joined(separator: ", ")
            return "checkpoint \(file) has no random stream '\(name)' (\(listing)) — save it with Checkpoint.save(randomStreams:)"
        }
    }
}
