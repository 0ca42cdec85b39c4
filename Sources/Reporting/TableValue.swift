/// One cell of a `Table`.
public enum TableValue: Hashable, Sendable {
    case text(String)
    case integer(Int)
    case number(Double)
    /// The mean and sample standard deviation of `count` values (runs over seeds); the
    /// standard deviation is NaN when `count` is 1. Made by `Table.meanAndStandardDeviation`.
    case summary(mean: Double, standardDeviation: Double, count: Int)
    /// No value (an empty CSV field, an empty Markdown cell).
    case missing

    /// The value as a number, for `.integer` and `.number`; `nil` otherwise.
    public var numericValue: Double? {
        switch self {
        case let .integer(value): return Double(value)
        case let .number(value): return value
        default: return nil
        }
    }
}

extension TableValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
}
