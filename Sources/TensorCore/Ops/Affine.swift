/// The fully connected map `scale · x · Wᵀ + b`, fused: the output rows are filled with the
/// bias and one GEMM accumulates `scale · x · Wᵀ` onto them (β = 1, α = scale), so the bias
/// costs no separate broadcast pass.
///
/// Shapes: `x [N, in]`, `weight [out, in]` (PyTorch's `nn.Linear` layout), `bias [out]` or
/// nil → `[N, out]`. Differentiable to any order: the backward rule is `scale·g·W` for x,
/// `scale·gᵀ·x` for W and the column sums of g for b.
public func affine(_ x: Tensor, weight: Tensor, bias: Tensor?, scale: Float = 1) throws -> Tensor {
    guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1] else {
        throw TensorError.shapeMismatch(operation: "affine", lhs: x.shape, rhs: weight.shape,
                                        expected: "x must be [N, in] and the weight [out, in] with the same in")
    }
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    if let bias, bias.shape != [outputs] {
        throw TensorError.shapeMismatch(operation: "affine", lhs: weight.shape, rhs: bias.shape,
                                        expected: "the bias must be [out] = [\(outputs)]")
    }
    let result = Tensor(shape: [rows, outputs]) { out, _ in
        if let bias {
            for row in 0..<rows { (out + row * outputs).update(from: bias.storage.pointer, count: outputs) }
        }
        gemm(x.storage.pointer, false, weight.storage.pointer, true, out, m: rows, n: outputs, k: inputs,
             alpha: scale, beta: bias == nil ? 0 : 1)
    }
    let operands = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording("affine", inputs: operands) { g, _ in
        let dx = x.requiresGradient ? try g.matmul(weight, scale: scale) : nil
        let dw = weight.requiresGradient ? try g.matmul(x, transposeSelf: true, scale: scale) : nil
        guard let bias else { return [dx, dw] }
        return [dx, dw, bias.requiresGradient ? try g.sum(alongAxes: [0]) : nil]
    }
}
