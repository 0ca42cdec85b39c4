// 2-D convolutions as im2col + GEMM. `im2col` and `col2im` are adjoint linear maps, so
// convolutions and transposed convolutions are compositions of differentiable
// primitives (im2col, matmul, reshape, permute), and their second derivatives
// (gradient penalties) come for free.

/// Kernel size, stride and zero padding of a 2-D sliding window.
public struct ConvGeometry: Equatable, Sendable {
    public var kernel: (height: Int, width: Int)
    public var stride: (height: Int, width: Int)
    public var padding: (height: Int, width: Int)

    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding))
    }

    public init(kernel: (height: Int, width: Int), stride: (height: Int, width: Int), padding: (height: Int, width: Int)) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    public static func == (l: ConvGeometry, r: ConvGeometry) -> Bool {
        l.kernel == r.kernel && l.stride == r.stride && l.padding == r.padding
    }

    /// Output extent of the window sliding over `inputExtent` along one axis.
    func outputExtent(_ inputExtent: Int, kernel k: Int, stride s: Int, padding p: Int) -> Int {
        (inputExtent + 2 * p - k) / s + 1
    }

    /// `[H, W] -> [H', W']`, throwing when the window does not fit.
    public func outputSize(height: Int, width: Int, operation: String) throws -> (height: Int, width: Int) {
        guard kernel.height > 0, kernel.width > 0, stride.height > 0, stride.width > 0,
              padding.height >= 0, padding.width >= 0 else {
            throw TensorError.invalidArgument(operation: operation,
                                              detail: "kernel and stride must be positive and padding non-negative (got \(self))")
        }
        guard height + 2 * padding.height >= kernel.height, width + 2 * padding.width >= kernel.width else {
            throw TensorError.invalidArgument(
                operation: operation,
                detail: "a \(kernel.height)×\(kernel.width) kernel does not fit a \(height)×\(width) input with padding \(padding)")
        }
        return (outputExtent(height, kernel: kernel.height, stride: stride.height, padding: padding.height),
                outputExtent(width, kernel: kernel.width, stride: stride.width, padding: padding.width))
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
        return Tensor(shape: [c * g.kernel.height * g.kernel.width, b * oh * ow]) { out, _ in
            Im2Col(g: g, batch: b, channels: c, height: h, width: w, outHeight: oh, outWidth: ow)
                .unfold(storage.pointer, into: out)
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
            out.initialize(repeating: 0, count: n)
            Im2Col(g: g, batch: b, channels: c, height: h, width: w, outHeight: oh, outWidth: ow)
                .fold(storage.pointer, into: out)
        }.recording("col2im", inputs: [self]) { grad, _ in
            [try grad.im2col(g)]
        }
    }
}

/// 2-D convolution (cross-correlation, as in PyTorch):
/// `[B, C, H, W] ⊛ [C', C, kh, kw] (+ bias [C']) -> [B, C', H', W']`.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, geometry: ConvGeometry) throws -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[1],
          weight.shape[2] == geometry.kernel.height, weight.shape[3] == geometry.kernel.width else {
        throw TensorError.shapeMismatch(operation: "conv2d", lhs: x.shape, rhs: weight.shape,
                                        expected: "input [B, C, H, W] and weight [C', C, kh, kw] with the geometry's kernel size")
    }
    let (b, outChannels) = (x.shape[0], weight.shape[0])
    let (oh, ow) = try geometry.outputSize(height: x.shape[2], width: x.shape[3], operation: "conv2d")
    let columns = try x.im2col(geometry)
    let product = try weight.reshaped([outChannels, -1]).matmul(columns)
    let output = try product.reshaped([outChannels, b, oh, ow]).permuted([1, 0, 2, 3])
    return try addChannelBias(output, bias, operation: "conv2d")
}

/// Transposed 2-D convolution (the adjoint of `conv2d` in its input, as in PyTorch):
/// `[B, C, H, W]` with weight `[C, C', kh, kw]` -> `[B, C', H', W']`,
/// `H' = (H − 1)·stride − 2·padding + kh + outputPadding`.
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
    let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let outChannels = weight.shape[1]
    let oh = (h - 1) * geometry.stride.height - 2 * geometry.padding.height + geometry.kernel.height + outputPadding
    let ow = (w - 1) * geometry.stride.width - 2 * geometry.padding.width + geometry.kernel.width + outputPadding
    guard oh > 0, ow > 0 else {
        throw TensorError.invalidArgument(
            operation: "convTranspose2d",
            detail: "a \(h)×\(w) input with \(geometry) gives an empty \(oh)×\(ow) output; reduce the padding")
    }
    let rows = try x.permuted([1, 0, 2, 3]).reshaped([c, b * h * w])
    let columns = try weight.reshaped([c, -1]).matmul(rows, transposeSelf: true)
    let output = try columns.col2im(inputShape: [b, outChannels, oh, ow], geometry)
    return try addChannelBias(output, bias, operation: "convTranspose2d")
}

private func addChannelBias(_ output: Tensor, _ bias: Tensor?, operation: String) throws -> Tensor {
    guard let bias else { return output }
    guard bias.shape == [output.shape[1]] else {
        throw TensorError.shapeMismatch(operation: operation, lhs: output.shape, rhs: bias.shape,
                                        expected: "bias must be [C'] with C' = \(output.shape[1])")
    }
    return try output + bias.reshaped([1, -1, 1, 1])
}

/// The index arithmetic shared by `im2col` (unfold) and `col2im` (fold).
private struct Im2Col {
    let g: ConvGeometry
    let batch, channels, height, width, outHeight, outWidth: Int

    /// Calls `body(rowPointerOffset, imageOffset, validRange, sourceStride)` per output row
    /// segment: for window row `(c, i, j)`, image `b` and output row `y`, the columns
    /// `x` in `validRange` read input column `x·sw − pw + j`.
    @inline(__always)
    private func forEachSegment(_ body: (_ column: Int, _ input: Int, _ valid: Range<Int>, _ firstX: Int) -> Void) {
        let (kh, kw) = g.kernel, (sh, sw) = g.stride, (ph, pw) = g.padding
        let columnsPerRow = batch * outHeight * outWidth
        for c in 0..<channels {
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = (c * kh + i) * kw + j
                    // Output columns x whose input column x·sw − pw + j lies in [0, width):
                    // ⌈(pw − j) / sw⌉ ≤ x ≤ ⌊(width − 1 + pw − j) / sw⌋ (floor, not Swift's
                    // truncation, which rounds a negative bound up when padding exceeds the image).
                    let lo = max(0, -floorDivision(j - pw, sw))
                    let hi = min(outWidth, floorDivision(width - 1 + pw - j, sw) + 1)
                    for b in 0..<batch {
                        for y in 0..<outHeight {
                            let iy = y * sh - ph + i
                            let column = row * columnsPerRow + (b * outHeight + y) * outWidth
                            let inside = iy >= 0 && iy < height && lo < hi
                            let input = ((b * channels + c) * height + (inside ? iy : 0)) * width
                            body(column, input, inside ? lo..<hi : 0..<0, -pw + j)
                        }
                    }
                }
            }
        }
    }

    /// `⌊a / b⌋` for `b > 0`.
    @inline(__always)
    private func floorDivision(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((b - 1 - a) / b)
    }

    func unfold(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let sw = g.stride.width, ow = outWidth
        forEachSegment { column, input, valid, firstX in
            let dst = out + column
            if valid.isEmpty { dst.update(repeating: 0, count: ow); return }
            for x in 0..<valid.lowerBound { dst[x] = 0 }
            for x in valid.upperBound..<ow { dst[x] = 0 }
            let src = x + input + firstX
            if sw == 1 {
                (dst + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
            } else {
                for x in valid { dst[x] = src[x * sw] }
            }
        }
    }

    func fold(_ columns: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let sw = g.stride.width
        forEachSegment { column, input, valid, firstX in
            let src = columns + column, dst = out + input + firstX
            for x in valid { dst[x * sw] += src[x] }
        }
    }
}
