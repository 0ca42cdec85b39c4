/// Errors raised when a dataset is asked for something it cannot give. Each message names
/// the problem and what would fix it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// A dataset name that is not one of the built-in ones.
    case unknownDataset(name: String, available: [String])
    /// A parameter out of its valid range (a negative count, a non-finite spread, …).
    case invalidParameter(dataset: String, parameter: String, detail: String)
    /// A file the user must supply is not there; `remedy` says where it comes from.
    case missingFile(path: String, remedy: String)
    /// A file that is not in the expected format.
    case corruptFile(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unknownDataset(name, available):
            return "unknown dataset '\(name)' — use one of: " + available.map { "'\($0)'" }.joined(separator: ", ")
        case let .invalidParameter(dataset, parameter, detail):
            return "\(dataset): \(parameter) \(detail)"
        case let .missingFile(path, remedy):
            return "\(path) does not exist; \(remedy)"
        case let .corruptFile(path, detail):
            return "\(path) is not a valid file: \(detail)"
        }
    }
}
