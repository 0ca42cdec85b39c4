/// Every failure of the reporting layer. Each message names the file or the argument, the
/// problem, and what would fix it.
public enum ReportingError: Error, CustomStringConvertible, Equatable {
    /// Writing to a path that already holds a file, without asking to replace it.
    case fileExists(path: String)
    /// The file could not be written (missing folder, permissions, full disk).
    case cannotWrite(path: String, detail: String)
    /// The file could not be read or decoded.
    case cannotRead(path: String, detail: String)
    /// An argument the call cannot accept (a row of the wrong length, empty axis limits, …).
    case invalidArgument(operation: String, detail: String)

    public var description: String {
        switch self {
        case let .fileExists(path):
            return "file \(path) already exists — choose another path (a new run folder), "
                + "or pass existing: .overwrite to replace it"
        case let .cannotWrite(path, detail):
            return "cannot write file \(path): \(detail)"
        case let .cannotRead(path, detail):
            return "cannot read file \(path): \(detail)"
        case let .invalidArgument(operation, detail):
            return "\(operation): \(detail)"
        }
    }
}
