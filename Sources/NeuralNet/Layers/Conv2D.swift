import TensorCore

/// 2-D convolution (cross-correlation, as PyTorch's `nn.Conv2d`):
/// `[B, inputChannels, H, W] -> [B, outputChannels, H', W']` with
/// `H' = ⌊(H + 2·padding − kh) / stride⌋ + 1` (likewise `W'`).
///
/// Weight `[outputChannels, inputChannels, kh, kw]`, bias `[outputChannels]`; the default
/// initialisation is PyTorch's (`U(±1/√fanIn)`, `fanIn = inputChannels·kh·kw`).
public final class Conv2D: Module, Layer {
    /// `[outputChannels, inputChannels, kh, kw]`.
    @Parameter public var weight: Tensor
    private let _bias: Parameter?
    public let geometry: ConvGeometry

    /// `[outputChannels]`, or `nil` for a layer without bias.
    public var bias: Tensor? { _bias?.wrappedValue }
    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

    /// A layer with the given weight `[C', C, kh, kw]`, optional bias `[C']`, and the
    /// stride and padding of `geometry` (whose kernel must match the weight).
    public init(weight: Tensor, bias: Tensor? = nil, geometry: ConvGeometry) throws {
        try validateConvolution(weight: weight, bias: bias, outputAxis: 0, geometry: geometry, operation: "Conv2D")
        self.weight = weight
        _bias = bias.map(Parameter.init(wrappedValue:))
        self.geometry = geometry
        super.init()
    }

    /// A freshly initialised layer with a square kernel; draws the weight, then the bias.
    public convenience init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
                            padding: Int = 0, bias: Bool = true,
                            weightInitializer: Initializer = .pytorchDefaultWeight,
                            biasInitializer: Initializer? = nil,
                            random: inout RandomStream) throws {
        let geometry = ConvGeometry(kernel: kernelSize, stride: stride, padding: padding)
        let (weight, bias) = try initialConvolutionParameters(
            shape: [outputChannels, inputChannels, kernelSize, kernelSize], outputAxis: 0, bias: bias,
            weightInitializer: weightInitializer, biasInitializer: biasInitializer, random: &random, operation: "Conv2D")
        try self.init(weight: weight, bias: bias, geometry: geometry)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try callAsFunction(input, weight: weight)
    }
}

extension Conv2D: WeightNormalizable {
    public static var weightOutputAxis: Int { 0 }
    public var biasParameter: Parameter? { _bias }

    public func callAsFunction(_ input: Tensor, weight: Tensor) throws -> Tensor {
        try callAsFunction(input, weight: weight, activation: nil)
    }

    private func callAsFunction(_ input: Tensor, weight: Tensor, activation: ConvolutionActivation?) throws -> Tensor {
        guard input.rank == 4, input.shape[1] == inputChannels else {
            throw TensorError.shapeMismatch(operation: "Conv2D(\(inputChannels) → \(outputChannels))",
                                            lhs: input.shape, rhs: weight.shape,
                                            expected: "the input must be [B, \(inputChannels), H, W]")
        }
        return try conv2d(input, weight: weight, bias: bias, geometry: geometry, activation: activation)
    }
}

extension Conv2D: ActivationFusing {
    public func callAsFunction(_ input: Tensor, activation: ConvolutionActivation) throws -> Tensor {
        try callAsFunction(input, weight: weight, activation: activation)
    }
}

/// Checks a convolution weight `[·, ·, kh, kw]` against its geometry and bias; the bias
/// has the extent of weight axis `outputAxis`.
func validateConvolution(weight: Tensor, bias: Tensor?, outputAxis: Int, geometry: ConvGeometry,
                         operation: String) throws {
    guard weight.rank == 4, weight.shape.allSatisfy({ $0 > 0 }),
          weight.shape[2] == geometry.kernel.height, weight.shape[3] == geometry.kernel.width else {
        throw TensorError.invalidShape(operation: operation, shape: weight.shape,
                                       expected: "the weight must be 4-D with positive extents and a \(geometry.kernel.height)×\(geometry.kernel.width) kernel")
    }
    guard geometry.stride.height > 0, geometry.stride.width > 0,
          geometry.padding.height >= 0, geometry.padding.width >= 0, geometry.paddingEnd.height >= 0,
          geometry.paddingEnd.width >= 0 else {
        throw TensorError.invalidArgument(operation: operation,
                                          detail: "stride must be positive and padding non-negative (got \(geometry))")
    }
    if let bias, bias.shape != [weight.shape[outputAxis]] {
        throw TensorError.shapeMismatch(operation: operation, lhs: weight.shape, rhs: bias.shape,
                                        expected: "the bias must be [\(weight.shape[outputAxis])], one per output channel")
    }
}

/// Draws a convolution weight of `shape`, then its bias (PyTorch's default bias bound
/// uses the weight's fan-in, whichever axis holds the outputs).
func initialConvolutionParameters(shape: [Int], outputAxis: Int, bias: Bool,
                                  weightInitializer: Initializer, biasInitializer: Initializer?,
                                  random: inout RandomStream, operation: String) throws -> (Tensor, Tensor?) {
    guard shape.allSatisfy({ $0 > 0 }) else {
        throw TensorError.invalidArgument(operation: operation,
                                          detail: "channel counts and kernel size must be positive (weight shape \(shape))")
    }
    let weight = try weightInitializer(shape, random: &random)
    guard bias else { return (weight, nil) }
    let biasRule = try biasInitializer ?? .pytorchDefaultBias(fanIn: Fans(shape: shape).fanIn)
    return (weight, try biasRule([shape[outputAxis]], random: &random))
}
