import CHDF5

/// State shared by every object of one open file: its path (for messages), its identifier
/// and whether it was opened for writing. Groups and datasets hold it, so the file stays
/// open while any of them lives.
final class HDF5FileContext {
    let path: String
    let fileHandle: HDF5Handle
    let isWritable: Bool
    /// Whether new datasets carry a Fletcher-32 checksum, which HDF5 verifies on every read.
    let checksummed: Bool

    init(path: String, fileHandle: HDF5Handle, isWritable: Bool, checksummed: Bool = false) {
        self.path = path
        self.fileHandle = fileHandle
        self.isWritable = isWritable
        self.checksummed = checksummed
    }

    func location(_ object: String) -> HDF5Location {
        HDF5Location(file: path, object: object)
    }

    /// Runs one public operation on `object` under the library lock, after checking that
    /// the file has not been closed.
    func perform<Result>(on object: String, _ body: (HDF5Location) throws -> Result) throws -> Result {
        try HDF5Library.serialized {
            let location = location(object)
            guard fileHandle.isOpen else { throw location.invalid("the file was closed; open it again to use \(object)") }
            return try body(location)
        }
    }

    /// Like `perform`, for operations that change the file.
    func performWrite<Result>(on object: String, _ body: (HDF5Location) throws -> Result) throws -> Result {
        try perform(on: object) { location in
            guard isWritable else {
                throw location.invalid("the file is open read-only; create it with HDF5File.create or HDF5File.writeAtomically to write")
            }
            return try body(location)
        }
    }
}

/// How objects are named in messages: `dataset 'model/weight'`, `group '/'`.
enum HDF5Naming {
    /// The absolute name of `path` seen from the group named `base`.
    static func absolute(_ path: String, from base: String) -> String {
        if path.hasPrefix("/") { return path }
        return base == "/" ? "/" + path : base + "/" + path
    }

    /// The name without its leading slash, as users write it (`model/weight`); the root stays `/`.
    static func display(_ absoluteName: String) -> String {
        absoluteName == "/" ? "/" : String(absoluteName.drop(while: { $0 == "/" }))
    }

    static func describe(_ kind: String, _ absoluteName: String) -> String {
        "\(kind) '\(display(absoluteName))'"
    }

    /// The nested prefixes of a path (`a`, `a/b`, `a/b/c`), keeping a leading slash.
    static func prefixes(of path: String) -> [String] {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        let lead = path.hasPrefix("/") ? "/" : ""
        return components.indices.map { lead + components[...$0].joined(separator: "/") }
    }
}
