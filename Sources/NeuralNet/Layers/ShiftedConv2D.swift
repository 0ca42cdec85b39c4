import TensorCore

/// The causal convolutions of PixelCNN++ (Salimans et al. 2017, spec §1.7 and §3): a
/// convolution whose window never reaches below (down-shifted) or below and to the right of
/// (down-right-shifted) the output pixel, made by zero padding the input on the top and the
/// sides it may see, and nowhere else — the convolution's own asymmetric padding, so the input
/// is never copied into a padded tensor.
///
/// - `.down`, kernel `[kh, kw]` (odd kw; PixelCNN++ uses 2×3): padding kh − 1 rows on top and
///   (kw − 1)/2 columns on each side; output pixel (i, j) sees rows i − kh + 1 … i, columns
///   j − (kw − 1)/2 … j + (kw − 1)/2.
/// - `.downRight`, kernel `[kh, kw]` (PixelCNN++ uses 2×2): padding kh − 1 rows on top and kw − 1
///   columns on the left; (i, j) sees rows i − kh + 1 … i, columns j − kw + 1 … j.
///
/// Shapes: `[B, C, H, W] -> [B, C', H, W]` at stride 1; stride 2 halves the resolution
/// (`[B, C', ⌈H/2⌉, ⌈W/2⌉]`, PixelCNN++'s down-sampling): output (i, j) sees the window above
/// anchored at input (2i, 2j), so it still depends on nothing below row 2i (nor, down-right,
/// right of column 2j on that row). With the stream shifted one row down (`.down`) or one
/// column right (`.downRight`) before the first layer, as PixelCNN++ does, a pixel's output
/// depends on the pixels before it in raster order only.
public final class ShiftedConv2D: Module, Layer {
    public enum Shift: String, Sendable {
        case down, downRight = "down-right"
    }

    public let shift: Shift
    /// The convolution over the padded input: a `Conv2D`, or one weight-normalised.
    public let convolution: any ConvolutionLayer

    /// `weightNormalization` chooses a plain convolution (PyTorch's initialisation) or a
    /// weight-normalised one (PixelCNN++'s).
    public init(inputChannels: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int, shift: Shift,
                stride: Int = 1, weightNormalization: WeightNormalization = .none, random: inout RandomStream) throws {
        guard kernelHeight >= 1, kernelWidth >= 1, shift == .downRight || kernelWidth % 2 == 1, stride >= 1 else {
            throw TensorError.invalidArgument(
                operation: "ShiftedConv2D",
                detail: "kernel \(kernelHeight)×\(kernelWidth), stride \(stride): positive sizes, and an odd width for a "
                    + "down-shifted window")
        }
        self.shift = shift
        let (weight, bias) = try initialConvolutionParameters(
            shape: [outputChannels, inputChannels, kernelHeight, kernelWidth], outputAxis: 0, bias: true,
            weightInitializer: .pytorchDefaultWeight, biasInitializer: nil, random: &random, operation: "ShiftedConv2D")
        let (left, right) = shift == .down ? ((kernelWidth - 1) / 2, (kernelWidth - 1) / 2) : (kernelWidth - 1, 0)
        let geometry = ConvGeometry(kernel: (kernelHeight, kernelWidth), stride: (stride, stride),
                                    padding: (kernelHeight - 1, left), paddingEnd: (0, right))
        convolution = try weightNormalization.apply(to: Conv2D(weight: weight, bias: bias, geometry: geometry))
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4 else {
            throw TensorError.invalidShape(operation: "ShiftedConv2D", shape: input.shape, expected: "[B, C, H, W]")
        }
        return try convolution(input)
    }
}

/// PixelCNN++'s causal up-sampling (the transposed counterpart of a stride-2 `ShiftedConv2D`):
/// `[B, C, h, w] -> [B, C', H, W]` with `H ≤ 2h`, `W ≤ 2w` (the size of the stream it rejoins).
/// Output pixel (r, c) is computed from input pixels of row ⌊r/2⌋ only (`.down`, 2×3 kernel:
/// columns ⌊c/2⌋ ± 1; `.downRight`, 2×2: column ⌊c/2⌋), so a low-resolution feature that saw
/// nothing below row 2i (or right of (2i, 2j)) reaches only high-resolution pixels at or after it.
public final class ShiftedConvTranspose2D: Module, Layer {
    public let shift: ShiftedConv2D.Shift
    /// A `ConvTranspose2D`, or one weight-normalised.
    public let convolution: any ConvolutionLayer

    public init(inputChannels: Int, outputChannels: Int, shift: ShiftedConv2D.Shift,
                weightNormalization: WeightNormalization = .none, random: inout RandomStream) throws {
        self.shift = shift
        let (kh, kw) = shift == .down ? (2, 3) : (2, 2)
        let (weight, bias) = try initialConvolutionParameters(
            shape: [inputChannels, outputChannels, kh, kw], outputAxis: 1, bias: true, weightInitializer: .pytorchDefaultWeight,
            biasInitializer: nil, random: &random, operation: "ShiftedConvTranspose2D")
        convolution = try weightNormalization.apply(
            to: ConvTranspose2D(weight: weight, bias: bias, geometry: ConvGeometry(kernel: (kh, kw), stride: (2, 2), padding: (0, 0))))
        super.init()
    }

    /// Doubles the resolution: `[B, C, h, w] -> [B, C', 2h, 2w]`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try callAsFunction(input, outputSize: (2 * input.shape[2], 2 * input.shape[3]))
    }

    /// `[B, C, h, w] -> [B, C', height, width]`, `height ∈ {2h − 1, 2h}` (likewise width).
    public func callAsFunction(_ input: Tensor, outputSize: (height: Int, width: Int)) throws -> Tensor {
        guard input.rank == 4, outputSize.height <= 2 * input.shape[2], outputSize.height >= 2 * input.shape[2] - 1,
              outputSize.width <= 2 * input.shape[3], outputSize.width >= 2 * input.shape[3] - 1 else {
            throw TensorError.invalidShape(operation: "ShiftedConvTranspose2D", shape: input.shape,
                                           expected: "[B, C, h, w] up-sampled to \(outputSize) (2h − 1 or 2h, 2w − 1 or 2w)")
        }
        let full = try convolution(input)            // [B, C', 2h, 2w + kw − 2]
        let firstColumn = shift == .down ? 1 : 0     // the 2×3 window's centre column lands on 2j
        return try full.narrowed(axis: 2, start: 0, length: outputSize.height)
            .narrowed(axis: 3, start: firstColumn, length: outputSize.width)
    }
}

extension Tensor {
    /// `[B, C, H, W]` moved one row down, a zero row on top (PixelCNN++'s `down_shift`).
    public func shiftedDown() throws -> Tensor {
        try padded(axis: 2, before: 1, after: 0).narrowed(axis: 2, start: 0, length: shape[2])
    }

    /// `[B, C, H, W]` moved one column right, a zero column on the left (`right_shift`).
    public func shiftedRight() throws -> Tensor {
        try padded(axis: 3, before: 1, after: 0).narrowed(axis: 3, start: 0, length: shape[3])
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
/// activation during training. A conditional block (chapter 3's AGAVE, spec §2.4) also takes
/// a feature map `h` `[B, H_c, H, W]` of a non-causal conditioning stream and adds its 1×1
/// projection to the gate's pre-activations: `[a', b'] = conv₂(…) + nin(h)` (PixelCNN++'s own
/// place for a conditioning input). `h` sees no pixel of x, so causality is untouched.
///
/// With `weightNormalization` `.dataDependent(scale: s)`, PixelCNN++'s initialisation: both
/// causal convolutions and the auxiliary 1×1 are weight-normalised and initialised from the
/// first batch, `conv₂` to pre-activations of standard deviation s/10 (PixelCNN++'s 0.1 for
/// s = 1) so that each block starts close to the identity; the conditioning projection stays
/// a plain convolution, as PixelCNN++'s conditional weights are.
public final class GatedResidualBlock: Module, Layer {
    public let first: ShiftedConv2D
    public let second: ShiftedConv2D
    /// The 1×1 convolution of the auxiliary input, when the block takes one.
    public let auxiliary: (any ConvolutionLayer)?
    public let dropout: Dropout?
    /// The 1×1 projection of the conditioning features to the 2F gate pre-activations.
    public let condition: Conv2D?

    public init(filters: Int, auxiliaryChannels: Int? = nil, conditionChannels: Int? = nil, shift: ShiftedConv2D.Shift,
                dropout probability: Float = 0.5, weightNormalization: WeightNormalization = .none,
                random: inout RandomStream) throws {
        let (kh, kw) = shift == .down ? (2, 3) : (2, 2)
        first = try ShiftedConv2D(inputChannels: 2 * filters, outputChannels: filters, kernelHeight: kh, kernelWidth: kw,
                                  shift: shift, weightNormalization: weightNormalization, random: &random)
        auxiliary = try auxiliaryChannels.map {
            try weightNormalization.apply(to: Conv2D(inputChannels: 2 * $0, outputChannels: filters, kernelSize: 1, random: &random))
        }
        dropout = probability > 0 ? try Dropout(probability: probability, random: random.split("dropout")) : nil
        var gateNormalization = weightNormalization
        if case let .dataDependent(scale) = weightNormalization { gateNormalization = .dataDependent(scale: scale / 10) }
        second = try ShiftedConv2D(inputChannels: 2 * filters, outputChannels: 2 * filters, kernelHeight: kh,
                                   kernelWidth: kw, shift: shift, weightNormalization: gateNormalization, random: &random)
        condition = try conditionChannels.map {
            try Conv2D(inputChannels: $0, outputChannels: 2 * filters, kernelSize: 1, random: &random)
        }
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try callAsFunction(input, auxiliary: nil) }

    public func callAsFunction(_ x: Tensor, auxiliary a: Tensor?, condition h: Tensor? = nil) throws -> Tensor {
        let filters = first.convolution.outputChannels
        guard x.rank == 4, x.shape[1] == filters else {
            throw TensorError.invalidShape(operation: "GatedResidualBlock", shape: x.shape, expected: "[B, \(filters), H, W]")
        }
        guard (a == nil) == (auxiliary == nil) else {
            throw TensorError.invalidArgument(operation: "GatedResidualBlock",
                                              detail: auxiliary == nil ? "this block takes no auxiliary input"
                                                  : "this block needs its auxiliary input")
        }
        guard (h == nil) == (condition == nil) else {
            throw TensorError.invalidArgument(operation: "GatedResidualBlock",
                                              detail: condition == nil ? "this block is unconditional: pass no condition"
                                                  : "this conditional block needs its conditioning features")
        }
        var c = try first(concatenatedELU(x))
        if let a, let auxiliary { c = try c + auxiliary(concatenatedELU(a)) }
        var inner = try concatenatedELU(c)
        if let dropout { inner = try dropout(inner) }
        var gates = try second(inner)
        if let h, let condition { gates = try gates + condition(h) }
        return try gatedResidual(x, gates: gates)
    }
}
