/// Errors raised when a dataset is asked for something it cannot give. Each message names
/// the problem and what would fix it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// A dataset name that is not one of the built-in ones.
    case unknownDataset(name: String, available: [String])
    /// A parameter out of its valid range (a negative count, a non-finite spread, …).
    case invalidParameter(dataset: String, parameter: String, detail: String)

    public var description: String {
        switch self {
        case let .unknownDataset(name, available):
            return "unknown dataset '\(name)' — use one of: " + available.map { "'\($0)'" }.joined(separator: ", ")
        case let .invalidParameter(dataset, parameter, detail):
            return "\(dataset): \(parameter) \(detail)"
        }
    }
}
