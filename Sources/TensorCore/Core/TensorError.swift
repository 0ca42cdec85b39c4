/// Errors raised by tensor operations on inconsistent input. Each message names the
/// operation, the offending shapes or values, and what would make the call valid.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that an operation needs to agree (broadcast, matmul, concat, …) do not.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int], expected: String)
    /// A shape that is invalid on its own (wrong rank, negative extent, wrong element count).
    case invalidShape(operation: String, shape: [Int], expected: String)
    /// An axis, index or range outside the tensor.
    case outOfRange(operation: String, detail: String)
    /// An argument value that the operation cannot accept.
    case invalidArgument(operation: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs, expected):
            return "\(op): shapes \(lhs) and \(rhs) are incompatible; \(expected)"
        case let .invalidShape(op, shape, expected):
            return "\(op): shape \(shape) is invalid; \(expected)"
        case let .outOfRange(op, detail):
            return "\(op): \(detail)"
        case let .invalidArgument(op, detail):
            return "\(op): \(detail)"
        }
    }
}
