import TensorCore

/// Where each part of a checkpoint lives in its HDF5 file (format version 1):
///
/// ```
/// /                           attributes format = "mixedbatch-checkpoint", format_version = 1, step (int64)
/// /metadata                   string attributes (config, commit, …)
/// /modules/<name>/<path>      float32 parameters and buffers, one dataset per dotted path
///                             (`modules/generator/layers.0.weight`); a module's random states
///                             are uint64 [2] datasets (key, counter)
/// /optimizers/<name>/<key>    float32 state tensors; counters (int64) and scalars (float64)
///                             are attributes of the group
/// /random/<name>              uint64 [2] (key, counter) of a free-standing RandomStream
/// ```
enum CheckpointLayout {
    static let formatAttribute = "format"
    static let formatName = "mixedbatch-checkpoint"
    static let versionAttribute = "format_version"
    static let version = 1
    static let stepAttribute = "step"

    static let metadataGroup = "metadata"
    static let modulesGroup = "modules"
    static let optimizersGroup = "optimizers"
    static let randomGroup = "random"

    static func module(_ name: String) -> String { "\(modulesGroup)/\(name)" }
    static func optimizer(_ name: String) -> String { "\(optimizersGroup)/\(name)" }

    /// Throws unless `name` can be one HDF5 link name: non-empty, no slash, not `.` or `..`.
    static func validate(_ name: String, kind: String) throws {
        let problem: String?
        if name.isEmpty { problem = "it is empty" }
        else if name.contains("/") { problem = "it contains '/', which HDF5 reads as a group separator; use dots" }
        else if name == "." || name == ".." { problem = "'.' and '..' are reserved" }
        else { problem = nil }
        if let problem { throw CheckpointError.invalidName(kind: kind, name: name, detail: problem) }
    }
}

/// A `RandomStream` stored as the uint64 pair `[key, counter]`.
enum RandomStreamCoding {
    static let shape = [2]

    static func encode(_ stream: RandomStream) -> [UInt64] { [stream.key, stream.counter] }

    static func decode(_ values: [UInt64]) -> RandomStream { RandomStream(key: values[0], counter: values[1]) }
}
