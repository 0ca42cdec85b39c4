import CKernels

// 2-D convolutions on oneDNN (`OneDNNConvolution`, the default) or as im2col + GEMM (the
// reference, `MIXEDBATCH_CONVOLUTION=im2col`). `im2col` and `col2im` are adjoint linear maps,
// so the reference convolutions are compositions of differentiable primitives (im2col,
// matmul, reshape, permute); oneDNN's three primitives are differentiable through each other.
// Either way second derivatives (gradient penalties) work.

/// Kernel size, stride and zero padding of a 2-D sliding window.
///
/// The zero padding may differ before and after the input: `padding` rows on top and columns
/// on the left, `paddingEnd` rows at the bottom and columns on the right (equal to `padding`
/// unless given). Causal convolutions (PixelCNN++'s shifted windows) pad only the top and the
/// sides they may see, without copying the input into a padded tensor.
public struct ConvGeometry: Equatable, Sendable {
    public var kernel: (height: Int, width: Int)
    public var stride: (height: Int, width: Int)
    public var padding: (height: Int, width: Int)
    public var paddingEnd: (height: Int, width: Int)

    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding))
    }

    public init(kernel: (height: Int, width: Int), stride: (height: Int, width: Int), padding: (height: Int, width: Int),
                paddingEnd: (height: Int, width: Int)? = nil) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.paddingEnd = paddingEnd ?? padding
    }

    public static func == (l: ConvGeometry, r: ConvGeometry) -> Bool {
        l.kernel == r.kernel && l.stride == r.stride && l.padding == r.padding && l.paddingEnd == r.paddingEnd
    }

    /// The padded extents `[H + top + bottom, W + left + right]` of an `H × W` input.
    func paddedSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (height + padding.height + paddingEnd.height, width + padding.width + paddingEnd.width)
    }

    /// `[H, W] -> [H', W']`, `H' = ⌊(H + top + bottom − kh) / sh⌋ + 1` (likewise W'), throwing when
    /// the window does not fit.
    public func outputSize(height: Int, width: Int, operation: String) throws -> (height: Int, width: Int) {
        guard kernel.height > 0, kernel.width > 0, stride.height > 0, stride.width > 0,
              padding.height >= 0, padding.width >= 0, paddingEnd.height >= 0, paddingEnd.width >= 0 else {
            throw TensorError.invalidArgument(operation: operation,
                                              detail: "kernel and stride must be positive and padding non-negative (got \(self))")
        }
        let padded = paddedSize(height: height, width: width)
        guard padded.height >= kernel.height, padded.width >= kernel.width else {
            throw TensorError.invalidArgument(
                operation: operation,
                detail: "a \(kernel.height)×\(kernel.width) kernel does not fit a \(height)×\(width) input with padding "
                    + "\(padding) before and \(paddingEnd) after")
        }
        return ((padded.height - kernel.height) / stride.height + 1, (padded.width - kernel.width) / stride.width + 1)
    }
}

extension Tensor {
    /// Unfolds sliding windows: `[B, C, H, W] -> [C·kh·kw, B·H'·W']`, row
    /// `(c·kh + i)·kw + j`, column `(b·H' + y)·W' + x`.
    public func im2col(_ g: ConvGeometry) throws -> Tensor {
        guard rank == 4 else {
            throw TensorError.invalidShape(operation: "im2col", shape: shape, expected: "expected [B, C, H, W]")
        }
        let (b, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (oh, ow) = try g.outputSize(height: h, width: w, operation: "im2col")
        let inputShape = shape
        return Tensor(shape: [c * g.kernel.height * g.kernel.width, b * oh * ow]) { out, n in
            let image = storage.pointer
            withUnsafePointer(to: g.kernelGeometry(batch: b, channels: c, height: h, width: w, outHeight: oh, outWidth: ow)) {
                geometry in
                KernelThreads.forEachPart(of: c, work: n) { mixedbatch_im2col(geometry, $0.lowerBound, $0.upperBound, image, out) }
            }
        }.recording("im2col", inputs: [self]) { grad, _ in
            [try grad.col2im(inputShape: inputShape, g)]
        }
    }

    /// Folds windows back, summing overlaps (the adjoint of `im2col`):
    /// `[C·kh·kw, B·H'·W'] -> inputShape = [B, C, H, W]`.
    public func col2im(inputShape: [Int], _ g: ConvGeometry) throws -> Tensor {
        guard inputShape.count == 4 else {
            throw TensorError.invalidShape(operation: "col2im", shape: inputShape, expected: "expected [B, C, H, W]")
        }
        let (b, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = try g.outputSize(height: h, width: w, operation: "col2im")
        let expected = [c * g.kernel.height * g.kernel.width, b * oh * ow]
        guard shape == expected else {
            throw TensorError.shapeMismatch(operation: "col2im", lhs: shape, rhs: expected,
                                            expected: "columns must match the window geometry of \(inputShape)")
        }
        return Tensor(shape: inputShape) { out, n in
            let columns = storage.pointer, columnCount = count
            withUnsafePointer(to: g.kernelGeometry(batch: b, channels: c, height: h, width: w, outHeight: oh, outWidth: ow)) {
                geometry in
                KernelThreads.forEachPart(of: c, work: columnCount) {
                    mixedbatch_col2im(geometry, $0.lowerBound, $0.upperBound, columns, out)
                }
            }
        }.recording("col2im", inputs: [self]) { grad, _ in
            [try grad.im2col(g)]
        }
    }
}

/// 2-D convolution (cross-correlation, as in PyTorch):
/// `[B, C, H, W] ⊛ [C', C, kh, kw] (+ bias [C']) -> [B, C', H', W']`, then `activation` when
/// given — inside oneDNN's forward primitive (a post-op: no separate pass over the output, no
/// pre-activation tensor kept), its gradient taken from the output.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, geometry: ConvGeometry,
                   activation: ConvolutionActivation? = nil) throws -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[1],
          weight.shape[2] == geometry.kernel.height, weight.shape[3] == geometry.kernel.width else {
        throw TensorError.shapeMismatch(operation: "conv2d", lhs: x.shape, rhs: weight.shape,
                                        expected: "input [B, C, H, W] and weight [C', C, kh, kw] with the geometry's kernel size")
    }
    let (b, outChannels) = (x.shape[0], weight.shape[0])
    let (oh, ow) = try geometry.outputSize(height: x.shape[2], width: x.shape[3], operation: "conv2d")
    let outputShape = [b, outChannels, oh, ow]
    try checkChannelBias(bias, outputShape: outputShape, operation: "conv2d")
    if case .leakyRelu(let slope) = activation, !(slope >= 0) {
        throw TensorError.invalidArgument(operation: "conv2d", detail: "a fused leaky ReLU needs a slope ≥ 0 (got \(slope)); "
                                          + "apply leakyRelu after the convolution instead")
    }
    guard ConvolutionBackend.current == .oneDNN else {
        let y = try addChannelBias(im2colConvolution(x, weight: weight, outputSize: (oh, ow), geometry: geometry), bias)
        return activation.map { $0(y) } ?? y
    }
    return try OneDNNConvolution.forward(x, weight, bias: bias, activation: activation, outputShape: outputShape, geometry)
}

/// A pointwise function that `conv2d` can apply inside the convolution (a oneDNN post-op), and
/// `affine` inside the linear map (leaky ReLU; ELU is composed). Each is monotone with the sign
/// of its input kept, so its derivative can be read from the output `y`.
public enum ConvolutionActivation: Sendable, Equatable {
    /// `leakyRelu(·, slope:)` (ReLU at slope 0); the slope must not be negative.
    case leakyRelu(slope: Float)
    /// `elu`.
    case elu

    public static let relu = ConvolutionActivation.leakyRelu(slope: 0)

    /// The function alone (the composition the fused op equals).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .leakyRelu(let slope): TensorCore.leakyRelu(x, slope: slope)
        case .elu: TensorCore.elu(x)
        }
    }

    /// The gradient with respect to the pre-activation, from the output `y` and its gradient
    /// `dy`: `dy · (y > 0 ? 1 : slope)`, or `dy · (y > 0 ? 1 : y + 1)` for ELU; differentiable
    /// (in `y` too, for ELU), so a gradient of a gradient works.
    func gradient(_ dy: Tensor, output y: Tensor) throws -> Tensor {
        switch self {
        case .leakyRelu(let slope):
            return leakyReluGradient(dy, y.detached, slope: slope)
        case .elu:
            let positive = y.detached.mask { $0 > 0 }
            return try dy * (positive + (1 - positive) * (y + 1))
        }
    }

    /// oneDNN's post-op: the `activation` code and `activation_alpha` of a geometry.
    var postOp: (code: Int64, alpha: Double) {
        switch self {
        case .leakyRelu(let slope): (1, Double(slope))
        case .elu: (2, 1)
        }
    }
}

/// The reference convolution without bias: im2col, one GEMM, a layout permutation.
func im2colConvolution(_ x: Tensor, weight: Tensor, outputSize: (Int, Int), geometry: ConvGeometry) throws -> Tensor {
    let columns = try x.im2col(geometry)
    let product = try weight.reshaped([weight.shape[0], -1]).matmul(columns)
    return try product.reshaped([weight.shape[0], x.shape[0], outputSize.0, outputSize.1]).permuted([1, 0, 2, 3])
}

/// Transposed 2-D convolution (the adjoint of `conv2d` in its input, as in PyTorch):
/// `[B, C, H, W]` with weight `[C, C', kh, kw]` -> `[B, C', H', W']`,
/// `H' = (H − 1)·stride − top − bottom + kh + outputPadding` (top = bottom = padding unless the
/// geometry pads asymmetrically: the output is then cropped by `padding` at the start and
/// `paddingEnd` at the end).
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, geometry: ConvGeometry,
                            outputPadding: Int = 0) throws -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[0],
          weight.shape[2] == geometry.kernel.height, weight.shape[3] == geometry.kernel.width else {
        throw TensorError.shapeMismatch(operation: "convTranspose2d", lhs: x.shape, rhs: weight.shape,
                                        expected: "input [B, C, H, W] and weight [C, C', kh, kw] with the geometry's kernel size")
    }
    // outputPadding is added on both axes, so it must stay below the smaller stride (as
    // in PyTorch, where it must be smaller than the stride on each axis).
    guard outputPadding >= 0, outputPadding < min(geometry.stride.height, geometry.stride.width) else {
        throw TensorError.invalidArgument(
            operation: "convTranspose2d",
            detail: "outputPadding \(outputPadding) must be in 0..<\(min(geometry.stride.height, geometry.stride.width)) (below the stride \(geometry.stride) on both axes)")
    }
    let (b, h, w) = (x.shape[0], x.shape[2], x.shape[3])
    let outChannels = weight.shape[1]
    let oh = (h - 1) * geometry.stride.height - geometry.padding.height - geometry.paddingEnd.height + geometry.kernel.height
        + outputPadding
    let ow = (w - 1) * geometry.stride.width - geometry.padding.width - geometry.paddingEnd.width + geometry.kernel.width
        + outputPadding
    guard oh > 0, ow > 0 else {
        throw TensorError.invalidArgument(
            operation: "convTranspose2d",
            detail: "a \(h)×\(w) input with \(geometry) gives an empty \(oh)×\(ow) output; reduce the padding")
    }
    try checkChannelBias(bias, outputShape: [b, outChannels, oh, ow], operation: "convTranspose2d")
    // The adjoint of the convolution [B, C', oh, ow] -> [B, C, h, w] whose weight is `weight`.
    let output = ConvolutionBackend.current == .oneDNN
        ? try OneDNNConvolution.backwardData(x, weight, inputShape: [b, outChannels, oh, ow], geometry)
        : try col2imTransposedConvolution(x, weight: weight, outputShape: [b, outChannels, oh, ow], geometry: geometry)
    return try addChannelBias(output, bias)
}

/// The reference transposed convolution without bias: one GEMM, then col2im.
func col2imTransposedConvolution(_ x: Tensor, weight: Tensor, outputShape: [Int], geometry: ConvGeometry) throws -> Tensor {
    let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let rows = try x.permuted([1, 0, 2, 3]).reshaped([c, b * h * w])
    let columns = try weight.reshaped([c, -1]).matmul(rows, transposeSelf: true)
    return try columns.col2im(inputShape: outputShape, geometry)
}

/// Throws unless `bias` is nil or `[C']` for an output `[B, C', H', W']`.
private func checkChannelBias(_ bias: Tensor?, outputShape: [Int], operation: String) throws {
    guard let bias, bias.shape != [outputShape[1]] else { return }
    throw TensorError.shapeMismatch(operation: operation, lhs: outputShape, rhs: bias.shape,
                                    expected: "bias must be [C'] with C' = \(outputShape[1])")
}

/// `output + bias` broadcast over batch and positions (the reference paths; oneDNN's forward
/// convolution adds it inside the primitive).
private func addChannelBias(_ output: Tensor, _ bias: Tensor?) throws -> Tensor {
    guard let bias else { return output }
    return try output + bias.reshaped([1, -1, 1, 1])
}

extension ConvGeometry {
    /// The window over `[batch, channels, height, width]` images for the C kernels of
    /// `im2col` / `col2im` (CKernels' `mixedbatch_im2col`, `mixedbatch_col2im`).
    func kernelGeometry(batch: Int, channels: Int, height: Int, width: Int, outHeight: Int,
                        outWidth: Int) -> mixedbatch_conv_geometry {
        mixedbatch_conv_geometry(batch: batch, channels: channels, height: height, width: width,
                                 kernel_h: kernel.height, kernel_w: kernel.width, stride_h: stride.height,
                                 stride_w: stride.width, pad_h: padding.height, pad_w: padding.width,
                                 out_height: outHeight, out_width: outWidth)
    }
}
