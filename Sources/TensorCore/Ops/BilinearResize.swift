/// Bilinear resizing `[B, C, H, W] -> [B, C, height, width]` exactly as PyTorch's
/// `F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)` without
/// antialiasing (the resizing of pytorch-fid's Inception-v3): output pixel `i` reads the input at
/// `s = (i + ½)·H/height − ½`, clamped below at 0, between rows `⌊s⌋` and `min(⌊s⌋ + 1, H − 1)`
/// with weights `1 − (s − ⌊s⌋)` and `s − ⌊s⌋`; likewise along the width. In Float, as
/// PyTorch computes it for float tensors (to 2·10⁻⁷ on [0, 1] images in our test). Forward only: it records no gradient.
public func resizeBilinear(_ x: Tensor, height: Int, width: Int) throws -> Tensor {
    guard x.rank == 4, x.count > 0, height > 0, width > 0 else {
        throw TensorError.invalidArgument(operation: "resizeBilinear",
                                          detail: "needs a non-empty [B, C, H, W] and a positive size (got shape \(x.shape), size \(height)×\(width))")
    }
    guard !x.requiresGradient else {
        throw TensorError.invalidArgument(operation: "resizeBilinear", detail: "records no gradient; detach the input")
    }
    let (inHeight, inWidth) = (x.shape[2], x.shape[3])
    let rows = BilinearTaps(input: inHeight, output: height)
    let columns = BilinearTaps(input: inWidth, output: width)
    let planes = x.shape[0] * x.shape[1]
    return Tensor(shape: [x.shape[0], x.shape[1], height, width]) { out, _ in
        let source = x.storage.pointer
        for plane in 0..<planes {
            let input = source + plane * inHeight * inWidth
            let output = out + plane * height * width
            for i in 0..<height {
                let top = input + rows.first[i] * inWidth, bottom = input + rows.second[i] * inWidth
                let (wTop, wBottom) = (rows.firstWeight[i], rows.secondWeight[i])
                for j in 0..<width {
                    let (a, b) = (columns.first[j], columns.second[j])
                    let (wa, wb) = (columns.firstWeight[j], columns.secondWeight[j])
                    output[i * width + j] = wTop * (wa * top[a] + wb * top[b]) + wBottom * (wa * bottom[a] + wb * bottom[b])
                }
            }
        }
    }
}

/// The two input indices and weights each output index reads along one axis.
private struct BilinearTaps {
    var first: [Int] = [], second: [Int] = []
    var firstWeight: [Float] = [], secondWeight: [Float] = []

    init(input: Int, output: Int) {
        let scale = Float(input) / Float(output)
        for i in 0..<output {
            // One rounding for `scale·(i + ½) − ½` (a fused multiply-add), as PyTorch's compiled
            // kernel computes it: two roundings move some rows by a float ulp of the position.
            let position = max((-0.5 as Float).addingProduct(scale, Float(i) + 0.5), 0)
            let lower = min(Int(position), input - 1)
            let weight = min(max(position - Float(lower), 0), 1)
            first.append(lower)
            second.append(lower < input - 1 ? lower + 1 : lower)
            firstWeight.append(1 - weight)
            secondWeight.append(weight)
        }
    }
}
