/// Every failure of the HDF5 layer. Each message names the file, the object inside it
/// (`dataset 'model/layers.0.weight'`), the problem, and what would fix it.
public enum HDF5Error: Error, CustomStringConvertible, Equatable {
    /// The path names no file.
    case fileNotFound(file: String)
    /// The file exists but does not start with the HDF5 signature (a PNG, a text file, an empty file).
    case notHDF5(file: String, detail: String)
    /// The file carries the HDF5 signature but HDF5 cannot open it (cut short, overwritten, unreadable).
    case unreadableFile(file: String, detail: String)
    /// Another open of the file holds HDF5's lock on it (a program writing it, h5py with the
    /// file open for writing, or a child process that inherited a descriptor).
    case fileLocked(file: String, detail: String)
    /// Creating a file that already exists without asking to replace it.
    case fileExists(file: String)
    /// The file could not be created or finished (missing folder, permissions, full disk).
    case cannotWrite(file: String, detail: String)
    /// A dataset, group or attribute that is not there.
    /// `object` is described with its kind (`dataset 'model/weight'`, `attribute 'step' of group '/'`);
    /// `available` lists what is there instead.
    case objectNotFound(file: String, object: String, available: [String])
    /// Creating a dataset or group whose name is taken.
    case objectExists(file: String, object: String)
    /// The name exists but is another kind of object (a group where a dataset was expected).
    case wrongObjectKind(file: String, name: String, found: String, expected: String)
    /// The stored element type differs from the one asked for; nothing is converted silently.
    case wrongElementType(file: String, object: String, stored: HDF5ElementType, expected: HDF5ElementType)
    /// The stored shape differs from the one asked for.
    case wrongShape(file: String, object: String, stored: [Int], expected: [Int])
    /// An argument the call cannot accept (a value count that does not fit the shape, rows out of range).
    case invalidArgument(file: String, object: String, detail: String)
    /// The HDF5 library reported a failure (with its own explanation) in an operation on an object.
    case libraryFailure(file: String, object: String, operation: String, detail: String)

    /// The error for a failed H5Fopen / H5Fcreate of `file`: `fileLocked` when HDF5 says the
    /// lock was refused, else `otherwise` with HDF5's explanation.
    static func openFailure(file: String, reported: String, otherwise: (String, String) -> HDF5Error) -> HDF5Error {
        let detail = "HDF5 reports: \(reported)"
        return reported.contains("unable to lock file") ? .fileLocked(file: file, detail: detail) : otherwise(file, detail)
    }

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "file \(file) does not exist — check the path (relative paths start at the current folder), "
                + "or write the file first"
        case let .notHDF5(file, detail):
            return "file \(file) is not an HDF5 file (\(detail)) — pass a file written by HDF5 "
                + "(a MixedBatch checkpoint or dataset, or h5py); `h5dump -H \(file)` shows what HDF5 sees"
        case let .unreadableFile(file, detail):
            return "file \(file) is an HDF5 file that cannot be read (truncated or damaged: \(detail)) — "
                + "it was probably cut short by an interrupted copy or write; use an intact copy or write it again"
        case let .fileLocked(file, detail):
            return "file \(file) is locked by another open of it (\(detail)) — wait for the program that writes it "
                + "to finish, or close it there (`fuser -v \(file)` names it); on a file system without locks "
                + "(some NFS mounts) set HDF5_USE_FILE_LOCKING=FALSE"
        case let .fileExists(file):
            return "file \(file) already exists — choose another path, or pass overwrite: true to replace it"
        case let .cannotWrite(file, detail):
            return "cannot write file \(file): \(detail) — check that the folder exists, is writable and has free space"
        case let .objectNotFound(file, object, available):
            let listing = available.isEmpty ? "it holds none"
                : "it holds " + available.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
                    + (available.count > 8 ? " and \(available.count - 8) more" : "")
            return "\(object) is not in \(file) (\(listing)) — check the name; `h5ls -r \(file)` lists the file"
        case let .objectExists(file, object):
            return "\(object) already exists in \(file) — write each name once, or write to a new file"
        case let .wrongObjectKind(file, name, found, expected):
            return "'\(name)' in \(file) is a \(found), expected a \(expected) — check the name"
        case let .wrongElementType(file, object, stored, expected):
            return "\(object) in \(file) holds \(stored), expected \(expected) — read it as \(stored) "
                + "(check `elementType` first) or write it as \(expected)"
        case let .wrongShape(file, object, stored, expected):
            return "\(object) in \(file) has shape \(stored), expected \(expected) — "
                + "the file was written for another configuration; use a matching file or configuration"
        case let .invalidArgument(file, object, detail):
            return "\(object) in \(file): \(detail)"
        case let .libraryFailure(file, object, operation, detail):
            return "\(operation) failed for \(object) in \(file): \(detail)"
        }
    }
}
