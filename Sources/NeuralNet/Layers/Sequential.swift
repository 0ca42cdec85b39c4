import TensorCore

/// Layers applied one after another; the output of each is the input of the next.
/// Children are named `layers.0`, `layers.1`, …, so a parameter path reads
/// `layers.2.weight`.
///
/// ```swift
/// var random = RandomStream(seed: 1)
/// let mlp = try Sequential {
///     try Linear(inputFeatures: 2, outputFeatures: 64, random: &random)
///     ReLU()
///     try Linear(inputFeatures: 64, outputFeatures: 1, random: &random)
/// }
/// ```
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        super.init()
    }

    public convenience init(@LayerBuilder _ content: () throws -> [any Layer]) rethrows {
        self.init(try content())
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try layers.reduce(input) { x, layer in try layer(x) }
    }
}

/// Builds the layer list of a `Sequential` from statements, with `if`, `if`/`else` and
/// `for` loops.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
    public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}
