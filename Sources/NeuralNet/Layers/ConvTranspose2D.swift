import TensorCore

/// Transposed 2-D convolution (PyTorch's `nn.ConvTranspose2d`, the adjoint of `Conv2D`
/// in its input): `[B, inputChannels, H, W] -> [B, outputChannels, H', W']` with
/// `H' = (H − 1)·stride − 2·padding + kh + outputPadding` (likewise `W'`).
///
/// Weight `[inputChannels, outputChannels, kh, kw]`, bias `[outputChannels]`. The default
/// initialisation is PyTorch's: `U(±1/√fanIn)` where, as in PyTorch, `fanIn` is computed
/// from weight axis 1, i.e. `outputChannels·kh·kw`.
public final class ConvTranspose2D: Module, Layer {
    /// `[inputChannels, outputChannels, kh, kw]`.
    @Parameter public var weight: Tensor
    private let _bias: Parameter?
    public let geometry: ConvGeometry
    /// Extra rows and columns added to one side of the output, in `0..<stride`, to pick
    /// among the input sizes that a strided `Conv2D` maps to the same output size.
    public let outputPadding: Int

    /// `[outputChannels]`, or `nil` for a layer without bias.
    public var bias: Tensor? { _bias?.wrappedValue }
    public var inputChannels: Int { weight.shape[0] }
    public var outputChannels: Int { weight.shape[1] }

    /// A layer with the given weight `[C, C', kh, kw]`, optional bias `[C']`, the stride and
    /// padding of `geometry` (whose kernel must match the weight) and `outputPadding`.
    public init(weight: Tensor, bias: Tensor? = nil, geometry: ConvGeometry, outputPadding: Int = 0) throws {
        try validateConvolution(weight: weight, bias: bias, outputAxis: 1, geometry: geometry,
                                operation: "ConvTranspose2D")
        guard outputPadding >= 0, outputPadding < max(geometry.stride.height, geometry.stride.width) else {
            throw TensorError.invalidArgument(operation: "ConvTranspose2D",
                                              detail: "outputPadding \(outputPadding) must be in 0..<stride (stride \(geometry.stride))")
        }
        self.weight = weight
        _bias = bias.map(Parameter.init(wrappedValue:))
        self.geometry = geometry
        self.outputPadding = outputPadding
        super.init()
    }

    /// A freshly initialised layer with a square kernel; draws the weight, then the bias.
    public convenience init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
                            padding: Int = 0, outputPadding: Int = 0, bias: Bool = true,
                            weightInitializer: Initializer = .pytorchDefaultWeight,
                            biasInitializer: Initializer? = nil,
                            random: inout RandomStream) throws {
        let geometry = ConvGeometry(kernel: kernelSize, stride: stride, padding: padding)
        let (weight, bias) = try initialConvolutionParameters(
            shape: [inputChannels, outputChannels, kernelSize, kernelSize], outputAxis: 1, bias: bias,
            weightInitializer: weightInitializer, biasInitializer: biasInitializer, random: &random,
            operation: "ConvTranspose2D")
        try self.init(weight: weight, bias: bias, geometry: geometry, outputPadding: outputPadding)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try callAsFunction(input, weight: weight)
    }
}

extension ConvTranspose2D: WeightNormalizable {
    public static var weightOutputAxis: Int { 1 }
    public var biasParameter: Parameter? { _bias }

    public func callAsFunction(_ input: Tensor, weight: Tensor) throws -> Tensor {
        guard input.rank == 4, input.shape[1] == inputChannels else {
            throw TensorError.shapeMismatch(operation: "ConvTranspose2D(\(inputChannels) → \(outputChannels))",
                                            lhs: input.shape, rhs: weight.shape,
                                            expected: "the input must be [B, \(inputChannels), H, W]")
        }
        return try convTranspose2d(input, weight: weight, bias: bias, geometry: geometry,
                                   outputPadding: outputPadding)
    }
}
