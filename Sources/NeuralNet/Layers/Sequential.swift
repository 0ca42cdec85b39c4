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
///
/// A layer that can fuse an activation (`ActivationFusing`: `Conv2D`, `Linear`) followed by one
/// it can fuse (`FusableActivation`: `ReLU`, `LeakyReLU` with slope ≥ 0, `ELU`) runs as one op —
/// the same values, one pass over the output (and, for `Linear`, one graph node) fewer.
public final class Sequential: Module, Layer {
    public let layers: [any Layer]
    /// For each layer, the activation of the next one it applies itself (then the next one is
    /// skipped), or nil. Plain values, so that module reflection finds each layer once.
    private let fusedActivations: [ConvolutionActivation?]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        fusedActivations = ActivationFusion.plan(layers)
        super.init()
    }

    public convenience init(@LayerBuilder _ content: () throws -> [any Layer]) rethrows {
        self.init(try content())
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try ActivationFusion.apply(layers, plan: fusedActivations, to: input, plain: { layer, x in try layer(x) },
                                   fused: { layer, x, activation in try (layer as! any ActivationFusing)(x, activation: activation) })
    }
}

/// Which layers of a stack apply the activation after them themselves.
public enum ActivationFusion {
    /// For each layer, the activation of the next one that it applies itself (the stack then
    /// skips the next one), or nil: a layer `canFuse` accepts (by default any `ActivationFusing`)
    /// followed by a `FusableActivation` with a fused form.
    public static func plan(_ layers: [any Layer],
                            canFuse: (any Layer) -> Bool = { $0 is any ActivationFusing }) -> [ConvolutionActivation?] {
        var fused = [ConvolutionActivation?](repeating: nil, count: layers.count)
        var index = 0
        while index + 1 < layers.count {
            if canFuse(layers[index]), let next = (layers[index + 1] as? any FusableActivation)?.fusedForm {
                fused[index] = next
                index += 2
            } else {
                index += 1
            }
        }
        return fused
    }

    /// Runs `layers` on `x` in order following `plan`: a layer with a planned activation through
    /// `fused(layer, h, activation)`, the activation layer after it then skipped; every other
    /// through `plain(layer, h)`.
    public static func apply(_ layers: [any Layer], plan: [ConvolutionActivation?], to x: Tensor,
                             plain: (any Layer, Tensor) throws -> Tensor,
                             fused: (any Layer, Tensor, ConvolutionActivation) throws -> Tensor) rethrows -> Tensor {
        var h = x, index = 0
        while index < layers.count {
            if let activation = plan[index] {
                h = try fused(layers[index], h, activation)
                index += 2
            } else {
                h = try plain(layers[index], h)
                index += 1
            }
        }
        return h
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
