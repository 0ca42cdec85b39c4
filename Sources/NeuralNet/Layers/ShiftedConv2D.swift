import TensorCore

/// The causal convolutions of PixelCNN++ (Salimans et al. 2017, spec §1.7 and §3): a
/// convolution whose window never reaches below (down-shifted) or below and to the right of
/// (down-right-shifted) the output pixel, made by zero padding the input on the top and the
/// sides it may see, and nowhere else.
///
/// - `.down`, kernel `[kh, kw]` (odd kw; PixelCNN++ uses 2×3): padding kh − 1 rows on top and
///   (kw − 1)/2 columns on each side; output pixel (i, j) sees rows i − kh + 1 … i, columns
///   j − (kw − 1)/2 … j + (kw − 1)/2.
/// - `.downRight`, kernel `[kh, kw]` (PixelCNN++ uses 2×2): padding kh − 1 rows on top and kw − 1
///   columns on the left; (i, j) sees rows i − kh + 1 … i, columns j − kw + 1 … j.
///
/// Shapes: `[B, C, H, W] -> [B, C', H, W]` (stride 1). With the stream shifted one row down
/// (`.down`) or one column right (`.downRight`) before the first layer, as PixelCNN++ does,
/// a pixel's output depends on the pixels before it in raster order only.
public final class ShiftedConv2D: Module, Layer {
    public enum Shift: String, Sendable {
        case down, downRight = "down-right"
    }

    public let shift: Shift
    public let convolution: Conv2D

    public init(inputChannels: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int, shift: Shift,
                random: inout RandomStream) throws {
        guard kernelHeight >= 1, kernelWidth >= 1, shift == .downRight || kernelWidth % 2 == 1 else {
            throw TensorError.invalidArgument(
                operation: "ShiftedConv2D",
                detail: "kernel \(kernelHeight)×\(kernelWidth): positive sizes, and an odd width for a down-shifted window")
        }
        self.shift = shift
        let (weight, bias) = try initialConvolutionParameters(
            shape: [outputChannels, inputChannels, kernelHeight, kernelWidth], outputAxis: 0, bias: true,
            weightInitializer: .pytorchDefaultWeight, biasInitializer: nil, random: &random, operation: "ShiftedConv2D")
        convolution = try Conv2D(weight: weight, bias: bias,
                                 geometry: ConvGeometry(kernel: (kernelHeight, kernelWidth), stride: (1, 1), padding: (0, 0)))
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let (kh, kw) = (convolution.geometry.kernel.height, convolution.geometry.kernel.width)
        guard input.rank == 4 else {
            throw TensorError.invalidShape(operation: "ShiftedConv2D", shape: input.shape, expected: "[B, C, H, W]")
        }
        let (left, right) = shift == .down ? ((kw - 1) / 2, (kw - 1) / 2) : (kw - 1, 0)
        let padded = try input.padded(axis: 2, before: kh - 1, after: 0).padded(axis: 3, before: left, after: right)
        return try convolution(padded)
    }
}

/// PixelCNN++'s gated residual block on one stream (`[B, F, H, W] -> [B, F, H, W]`):
///
///     c = conv₁(concat_elu(x)) [+ nin(concat_elu(a))]
///     [a', b'] = conv₂(dropout(concat_elu(c)))          (2F channels, split in two)
///     out = x + a' ⊙ σ(b')
///
/// with both convolutions causal (`ShiftedConv2D`), `a` an auxiliary input (the down stream
/// feeding the down-right stream) through a 1×1 convolution, and dropout on the inner
/// activation during training.
public final class GatedResidualBlock: Module, Layer {
    public let first: ShiftedConv2D
    public let second: ShiftedConv2D
    /// The 1×1 convolution of the auxiliary input, when the block takes one.
    public let auxiliary: Conv2D?
    public let dropout: Dropout?

    public init(filters: Int, auxiliaryChannels: Int? = nil, shift: ShiftedConv2D.Shift, dropout probability: Float = 0.5,
                random: inout RandomStream) throws {
        let (kh, kw) = shift == .down ? (2, 3) : (2, 2)
        first = try ShiftedConv2D(inputChannels: 2 * filters, outputChannels: filters, kernelHeight: kh, kernelWidth: kw,
                                  shift: shift, random: &random)
        auxiliary = try auxiliaryChannels.map {
            try Conv2D(inputChannels: 2 * $0, outputChannels: filters, kernelSize: 1, random: &random)
        }
        dropout = probability > 0 ? try Dropout(probability: probability, random: random.split("dropout")) : nil
        second = try ShiftedConv2D(inputChannels: 2 * filters, outputChannels: 2 * filters, kernelHeight: kh,
                                   kernelWidth: kw, shift: shift, random: &random)
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try callAsFunction(input, auxiliary: nil) }

    public func callAsFunction(_ x: Tensor, auxiliary a: Tensor?) throws -> Tensor {
        let filters = first.convolution.outputChannels
        guard x.rank == 4, x.shape[1] == filters else {
            throw TensorError.invalidShape(operation: "GatedResidualBlock", shape: x.shape, expected: "[B, \(filters), H, W]")
        }
        guard (a == nil) == (auxiliary == nil) else {
            throw TensorError.invalidArgument(operation: "GatedResidualBlock",
                                              detail: auxiliary == nil ? "this block takes no auxiliary input"
                                                  : "this block needs its auxiliary input")
        }
        var c = try first(concatenatedELU(x))
        if let a, let auxiliary { c = try c + auxiliary(concatenatedELU(a)) }
        var inner = try concatenatedELU(c)
        if let dropout { inner = try dropout(inner) }
        let halves = try second(inner).split(sizes: [filters, filters], axis: 1)
        return try x + halves[0] * sigmoid(halves[1])
    }
}
