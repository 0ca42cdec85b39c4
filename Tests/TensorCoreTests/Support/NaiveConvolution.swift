import TensorCore

/// Convolution and pooling written straight from their definitions (Float64 sums, no
/// im2col, no GEMM): the references that the fast kernels are tested against.
enum NaiveConvolution {
    /// Reads `x[b, c, y, x]` of an NCHW tensor, 0 outside the image (zero padding).
    private static func pixel(_ x: [Float], _ shape: [Int], _ b: Int, _ c: Int, _ y: Int, _ xx: Int) -> Double {
        guard y >= 0, y < shape[2], xx >= 0, xx < shape[3] else { return 0 }
        return Double(x[((b * shape[1] + c) * shape[2] + y) * shape[3] + xx])
    }

    private static func outputSize(_ shape: [Int], _ g: ConvGeometry) -> (Int, Int) {
        ((shape[2] + g.padding.height + g.paddingEnd.height - g.kernel.height) / g.stride.height + 1,
         (shape[3] + g.padding.width + g.paddingEnd.width - g.kernel.width) / g.stride.width + 1)
    }

    /// `[B, C, H, W] -> [C·kh·kw, B·H'·W']`, row `(c·kh + i)·kw + j`, column `(b·H' + y)·W' + x`.
    static func im2col(_ input: Tensor, _ g: ConvGeometry) -> Tensor {
        let s = input.shape, x = input.scalars
        let (oh, ow) = outputSize(s, g)
        let (kh, kw) = g.kernel
        let columns = s[0] * oh * ow
        var out = [Float](repeating: 0, count: s[1] * kh * kw * columns)
        for c in 0..<s[1] { for i in 0..<kh { for j in 0..<kw {
            for b in 0..<s[0] { for y in 0..<oh { for xx in 0..<ow {
                let row = (c * kh + i) * kw + j, column = (b * oh + y) * ow + xx
                out[row * columns + column] = Float(pixel(x, s, b, c, y * g.stride.height - g.padding.height + i,
                                                          xx * g.stride.width - g.padding.width + j))
            } } }
        } } }
        return try! Tensor(shape: [s[1] * kh * kw, columns], scalars: out)
    }

    /// `out[b, o, y, x] = bias[o] + Σ_{c,i,j} w[o, c, i, j] · x[b, c, y·sh − ph + i, x·sw − pw + j]`.
    static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, _ g: ConvGeometry) -> Tensor {
        let s = input.shape, x = input.scalars, w = weight.scalars
        let (oh, ow) = outputSize(s, g)
        let (outChannels, (kh, kw)) = (weight.shape[0], g.kernel)
        var out = [Float]()
        for b in 0..<s[0] { for o in 0..<outChannels { for y in 0..<oh { for xx in 0..<ow {
            var acc = bias.map { Double($0.scalars[o]) } ?? 0
            for c in 0..<s[1] { for i in 0..<kh { for j in 0..<kw {
                acc += Double(w[((o * s[1] + c) * kh + i) * kw + j])
                    * pixel(x, s, b, c, y * g.stride.height - g.padding.height + i, xx * g.stride.width - g.padding.width + j)
            } } }
            out.append(Float(acc))
        } } } }
        return try! Tensor(shape: [s[0], outChannels, oh, ow], scalars: out)
    }

    /// Scatter form of the transposed convolution, weight `[C, C', kh, kw]`:
    /// `out[b, o, y·sh − ph + i, x·sw − pw + j] += w[c, o, i, j] · x[b, c, y, x]`.
    static func convTranspose2d(_ input: Tensor, weight: Tensor, _ g: ConvGeometry, outputPadding: Int) -> Tensor {
        let s = input.shape, x = input.scalars, w = weight.scalars
        let (kh, kw) = g.kernel
        let outChannels = weight.shape[1]
        let oh = (s[2] - 1) * g.stride.height - g.padding.height - g.paddingEnd.height + kh + outputPadding
        let ow = (s[3] - 1) * g.stride.width - g.padding.width - g.paddingEnd.width + kw + outputPadding
        var out = [Double](repeating: 0, count: s[0] * outChannels * oh * ow)
        for b in 0..<s[0] { for c in 0..<s[1] { for y in 0..<s[2] { for xx in 0..<s[3] {
            let v = Double(x[((b * s[1] + c) * s[2] + y) * s[3] + xx])
            for o in 0..<outChannels { for i in 0..<kh { for j in 0..<kw {
                let ty = y * g.stride.height - g.padding.height + i, tx = xx * g.stride.width - g.padding.width + j
                guard ty >= 0, ty < oh, tx >= 0, tx < ow else { continue }
                out[((b * outChannels + o) * oh + ty) * ow + tx] += v * Double(w[((c * outChannels + o) * kh + i) * kw + j])
            } } }
        } } } }
        return try! Tensor(shape: [s[0], outChannels, oh, ow], scalars: out.map { Float($0) })
    }

    /// Window mean (padding counts as zeros) or maximum, per channel.
    static func pool(_ input: Tensor, _ g: ConvGeometry, maximum: Bool) -> Tensor {
        let s = input.shape, x = input.scalars
        let (oh, ow) = outputSize(s, g)
        var out = [Float]()
        for b in 0..<s[0] { for c in 0..<s[1] { for y in 0..<oh { for xx in 0..<ow {
            var values = [Double]()
            for i in 0..<g.kernel.height { for j in 0..<g.kernel.width {
                values.append(pixel(x, s, b, c, y * g.stride.height - g.padding.height + i, xx * g.stride.width - g.padding.width + j))
            } }
            out.append(Float(maximum ? values.max()! : values.reduce(0, +) / Double(values.count)))
        } } } }
        return try! Tensor(shape: [s[0], s[1], oh, ow], scalars: out)
    }
}
