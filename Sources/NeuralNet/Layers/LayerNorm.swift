import TensorCore

/// Layer normalisation (Ba, Kiros & Hinton, 2016), PyTorch's `nn.LayerNorm`: each sample
/// is normalised over its trailing `normalizedShape` axes,
///
///     y = (x − mean) / √(var + ε) · γ + β,
///
/// with the biased variance; `[…, normalizedShape…] -> […, normalizedShape…]`. γ (ones)
/// and β (zeros) have shape `normalizedShape`. Same in training and evaluation mode.
public final class LayerNorm: Module, Layer {
    private let _weight: Parameter?
    private let _bias: Parameter?
    public let normalizedShape: [Int]
    public let epsilon: Float

    /// The scale γ (shape `normalizedShape`), `nil` without affine transform.
    public var weight: Tensor? { _weight?.wrappedValue }
    /// The shift β (shape `normalizedShape`), `nil` without affine transform.
    public var bias: Tensor? { _bias?.wrappedValue }

    public init(normalizedShape: [Int], epsilon: Float = 1e-5, affine: Bool = true) throws {
        guard !normalizedShape.isEmpty, normalizedShape.allSatisfy({ $0 > 0 }), epsilon > 0 else {
            throw TensorError.invalidArgument(operation: "LayerNorm",
                                              detail: "normalizedShape must be non-empty with positive extents and epsilon positive (got \(normalizedShape), \(epsilon))")
        }
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        _weight = affine ? Parameter(wrappedValue: .ones(normalizedShape)) : nil
        _bias = affine ? Parameter(wrappedValue: .zeros(normalizedShape)) : nil
        super.init()
    }

    /// Normalisation over the last axis of extent `features`.
    public convenience init(features: Int, epsilon: Float = 1e-5, affine: Bool = true) throws {
        try self.init(normalizedShape: [features], epsilon: epsilon, affine: affine)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let k = normalizedShape.count
        guard input.rank >= k, Array(input.shape.suffix(k)) == normalizedShape else {
            throw TensorError.invalidShape(operation: "LayerNorm(\(normalizedShape))", shape: input.shape,
                                           expected: "the input must end in \(normalizedShape)")
        }
        let axes = Array((input.rank - k)..<input.rank)
        let centered = try input - input.mean(alongAxes: axes, keepingDimensions: true)
        let variance = try square(centered).mean(alongAxes: axes, keepingDimensions: true)
        var output = try centered * (1 / sqrt(variance + epsilon))
        if let weight { output = try output * weight }
        if let bias { output = try output + bias }
        return output
    }
}
