import Foundation

// Softmax and log-softmax along one axis. The forward pass is one fused, max-shifted
// kernel; the backward rules are written with differentiable operations on the saved
// output, so second derivatives are available.

/// The softmax along `axis`, same shape as `x`:
/// `softmax(x)ₖ = exp(xₖ − m) / Σⱼ exp(xⱼ − m)` with `m = maxⱼ xⱼ` (no overflow).
///
/// Backward: `∂x = y ⊙ (g − Σₖ gₖ yₖ)` for output `y` and output gradient `g`.
public func softmax(_ x: Tensor, alongAxis axis: Int = -1) throws -> Tensor {
    let a = try Shape.normalize(axis: axis, rank: x.rank, operation: "softmax")
    return normalizedExponential(x, axis: a, logarithmic: false)
        .recording("softmax", inputs: [x]) { g, y in
            [try y * (g - (g * y).sum(alongAxes: [a], keepingDimensions: true))]
        }
}

/// The log-softmax along `axis`, same shape as `x`:
/// `logSoftmax(x)ₖ = xₖ − log Σⱼ exp(xⱼ)`, computed as `xₖ − m − log Σⱼ exp(xⱼ − m)`.
///
/// Backward: `∂x = g − exp(y) · Σₖ gₖ` for output `y` and output gradient `g`.
public func logSoftmax(_ x: Tensor, alongAxis axis: Int = -1) throws -> Tensor {
    let a = try Shape.normalize(axis: axis, rank: x.rank, operation: "logSoftmax")
    return normalizedExponential(x, axis: a, logarithmic: true)
        .recording("logSoftmax", inputs: [x]) { g, y in
            [try g - exp(y) * g.sum(alongAxes: [a], keepingDimensions: true)]
        }
}

/// Softmax (or its logarithm) of every line along `axis` (no graph recording).
private func normalizedExponential(_ x: Tensor, axis: Int, logarithmic: Bool) -> Tensor {
    let blocks = AxisBlocks(shape: x.shape, axis: axis)
    let extent = x.shape[axis], inner = blocks.inner
    return Tensor(shape: x.shape) { out, _ in
        let source = x.storage.pointer
        for o in 0..<blocks.outer {
            for i in 0..<inner {
                let line = o * extent * inner + i
                var shift = -Float.infinity
                for k in 0..<extent { shift = max(shift, source[line + k * inner]) }
                if !shift.isFinite { shift = 0 }  // as in logSumExp: no ∞ − ∞
                var total: Float = 0
                for k in 0..<extent {
                    let e = Foundation.exp(source[line + k * inner] - shift)
                    out[line + k * inner] = e
                    total += e
                }
                if logarithmic {
                    let logTotal = shift + Foundation.log(total)
                    for k in 0..<extent { out[line + k * inner] = source[line + k * inner] - logTotal }
                } else {
                    let scale = 1 / total
                    for k in 0..<extent { out[line + k * inner] *= scale }
                }
            }
        }
    }
}
