// Pooling and nearest-neighbour upsampling, built on differentiable primitives:
// windows come from `im2col` on a `[B·C, 1, H, W]` view, then `mean` or `max` over the
// window axis; upsampling is a `gatherFlat` whose adjoint sums each block.

/// Average pooling `[B, C, H, W] -> [B, C, H', W']`; zero padding counts in the mean
/// (PyTorch's `count_include_pad=True`).
public func avgPool2d(_ x: Tensor, geometry: ConvGeometry) throws -> Tensor {
    try pool(x, geometry: geometry, operation: "avgPool2d") { try $0.mean(alongAxes: [0]) }
}

/// Max pooling `[B, C, H, W] -> [B, C, H', W']` without padding; the gradient goes to
/// the first maximal element of each window.
public func maxPool2d(_ x: Tensor, geometry: ConvGeometry) throws -> Tensor {
    guard geometry.padding == (0, 0), geometry.paddingEnd == (0, 0) else {
        throw TensorError.invalidArgument(operation: "maxPool2d",
                                          detail: "padding \(geometry.padding) is not supported; pad the input explicitly or use padding 0")
    }
    return try pool(x, geometry: geometry, operation: "maxPool2d") { try $0.max(alongAxis: 0) }
}

private func pool(_ x: Tensor, geometry: ConvGeometry, operation: String,
                  reduce: (Tensor) throws -> Tensor) throws -> Tensor {
    guard x.rank == 4 else {
        throw TensorError.invalidShape(operation: operation, shape: x.shape, expected: "expected [B, C, H, W]")
    }
    let (b, c) = (x.shape[0], x.shape[1])
    let (oh, ow) = try geometry.outputSize(height: x.shape[2], width: x.shape[3], operation: operation)
    let windows = try x.reshaped([b * c, 1, x.shape[2], x.shape[3]]).im2col(geometry)
    return try reduce(windows).reshaped([b, c, oh, ow])
}

/// Nearest-neighbour upsampling by an integer factor: `[B, C, H, W] -> [B, C, sH, sW]`.
public func upsampleNearest(_ x: Tensor, scale: Int) throws -> Tensor {
    guard x.rank == 4, scale >= 1 else {
        throw TensorError.invalidArgument(operation: "upsampleNearest",
                                          detail: "needs [B, C, H, W] and a scale ≥ 1 (got shape \(x.shape), scale \(scale))")
    }
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    var indices = [Int]()
    indices.reserveCapacity(planes * h * w * scale * scale)
    for p in 0..<planes {
        for y in 0..<(h * scale) {
            for xx in 0..<(w * scale) { indices.append((p * h + y / scale) * w + xx / scale) }
        }
    }
    return try x.gatherFlat(indices: indices, shape: [x.shape[0], x.shape[1], h * scale, w * scale])
}
