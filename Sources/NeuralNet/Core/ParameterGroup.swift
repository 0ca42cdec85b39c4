/// A fixed list of parameters frozen together for the span of a body: while frozen, each
/// `isTrainable` is false, so layers read detached values and no graph reaches them (the other
/// players during a player's step; f_ψ under the adversarial loss of chapter 5).
///
/// A plain class, not a `Module`: reflection does not enter it, so a module may hold a group of
/// its own parameters (listed once, at init) without them being listed twice.
public final class ParameterGroup {
    public let parameters: [Parameter]

    public init(_ parameters: [Parameter]) { self.parameters = parameters }

    /// `body` with every parameter of the group frozen; each gets its own setting back afterwards.
    public func frozen<R>(_ body: () throws -> R) rethrows -> R {
        let wasTrainable = parameters.map(\.isTrainable)
        parameters.forEach { $0.isTrainable = false }
        defer { for (parameter, trainable) in zip(parameters, wasTrainable) { parameter.isTrainable = trainable } }
        return try body()
    }
}
