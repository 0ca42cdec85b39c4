/// A configuration that cannot be run; the message names the key, the problem and the fix.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
