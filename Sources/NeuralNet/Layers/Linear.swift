import TensorCore

/// Fully connected layer `y = x·Wᵀ + b`: `[…, inputFeatures] -> […, outputFeatures]`
/// (a rank-1 input `[inputFeatures]` gives `[outputFeatures]`).
///
/// The weight is `[outputFeatures, inputFeatures]` and the bias `[outputFeatures]`, as in
/// PyTorch's `nn.Linear`, with the same default initialisation (`U(±1/√inputFeatures)`
/// for both), so weights can be compared and exchanged.
public final class Linear: Module, Layer {
    /// `[outputFeatures, inputFeatures]`.
    @Parameter public var weight: Tensor
    private let _bias: Parameter?

    /// `[outputFeatures]`, or `nil` for a layer without bias.
    public var bias: Tensor? { _bias?.wrappedValue }
    public var inputFeatures: Int { weight.shape[1] }
    public var outputFeatures: Int { weight.shape[0] }

    /// A layer with the given weight `[out, in]` and optional bias `[out]`.
    public init(weight: Tensor, bias: Tensor? = nil) throws {
        guard weight.rank == 2 else {
            throw TensorError.invalidShape(operation: "Linear", shape: weight.shape,
                                           expected: "the weight must be [outputFeatures, inputFeatures]")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw TensorError.shapeMismatch(operation: "Linear", lhs: weight.shape, rhs: bias.shape,
                                            expected: "the bias must be [outputFeatures] = [\(weight.shape[0])]")
        }
        self.weight = weight
        _bias = bias.map(Parameter.init(wrappedValue:))
        super.init()
    }

    /// A freshly initialised layer; draws the weight, then the bias, from `random`.
    public convenience init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true,
                            weightInitializer: Initializer = .pytorchDefaultWeight,
                            biasInitializer: Initializer? = nil,
                            random: inout RandomStream) throws {
        guard inputFeatures > 0, outputFeatures > 0 else {
            throw TensorError.invalidArgument(operation: "Linear",
                                              detail: "feature counts must be positive (got \(inputFeatures) → \(outputFeatures))")
        }
        let weight = try weightInitializer([outputFeatures, inputFeatures], random: &random)
        let biasRule = biasInitializer ?? .pytorchDefaultBias(fanIn: inputFeatures)
        try self.init(weight: weight, bias: bias ? try biasRule([outputFeatures], random: &random) : nil)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try callAsFunction(input, weight: weight)
    }
}

extension Linear: WeightNormalizable {
    public static var weightOutputAxis: Int { 0 }
    public static func outputFeatureAxis(rank: Int) -> Int { rank - 1 }
    public var biasParameter: Parameter? { _bias }

    public func callAsFunction(_ input: Tensor, weight: Tensor) throws -> Tensor {
        try callAsFunction(input, weight: weight, activation: nil)
    }

    /// `activation(x·Wᵀ + b)` as one op (`affine(…, activation:)`).
    func callAsFunction(_ input: Tensor, weight: Tensor, activation: ConvolutionActivation?) throws -> Tensor {
        guard input.rank >= 1, input.shape.last == inputFeatures else {
            throw TensorError.shapeMismatch(operation: "Linear(\(inputFeatures) → \(outputFeatures))",
                                            lhs: input.shape, rhs: weight.shape,
                                            expected: "the input must be [..., \(inputFeatures)]")
        }
        if input.rank == 2 { return try affine(input, weight: weight, bias: bias, activation: activation) }
        let rows = try input.reshaped([-1, inputFeatures])
        let output = try affine(rows, weight: weight, bias: bias, activation: activation)
        return try output.reshaped(Array(input.shape.dropLast()) + [outputFeatures])
    }
}

extension Linear: ActivationFusing {
    public func callAsFunction(_ input: Tensor, activation: ConvolutionActivation) throws -> Tensor {
        try callAsFunction(input, weight: weight, activation: activation)
    }
}
