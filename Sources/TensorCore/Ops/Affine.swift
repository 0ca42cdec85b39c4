import CKernels

/// The fully connected map `scale · x · Wᵀ + b`, fused: the output rows are filled with the
/// bias and one GEMM accumulates `scale · x · Wᵀ` onto them (β = 1, α = scale), so the bias
/// costs no separate broadcast pass. With `activation`, a leaky ReLU (ReLU at slope 0) is
/// applied to that output in place, in the same op: the values of `activation(affine(…))`
/// bit for bit, one op, one output and one graph node fewer (ELU is applied as a separate op).
///
/// Shapes: `x [N, in]`, `weight [out, in]` (PyTorch's `nn.Linear` layout), `bias [out]` or
/// nil → `[N, out]`. Differentiable to any order: the backward rule is `scale·g·W` for x,
/// `scale·gᵀ·x` for W and the column sums of g for b, where g is first multiplied by the
/// activation's derivative, read from the output's sign.
public func affine(_ x: Tensor, weight: Tensor, bias: Tensor?, scale: Float = 1,
                   activation: ConvolutionActivation? = nil) throws -> Tensor {
    guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1] else {
        throw TensorError.shapeMismatch(operation: "affine", lhs: x.shape, rhs: weight.shape,
                                        expected: "x must be [N, in] and the weight [out, in] with the same in")
    }
    let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    if let bias, bias.shape != [outputs] {
        throw TensorError.shapeMismatch(operation: "affine", lhs: weight.shape, rhs: bias.shape,
                                        expected: "the bias must be [out] = [\(outputs)]")
    }
    let slope: Float?
    switch activation {
    case nil: slope = nil
    case .leakyRelu(let s) where s >= 0: slope = s
    case let other?: return other(try affine(x, weight: weight, bias: bias, scale: scale))
    }
    let result = Tensor(shape: [rows, outputs]) { out, count in
        if let bias {
            for row in 0..<rows { (out + row * outputs).update(from: bias.storage.pointer, count: outputs) }
        }
        gemm(x.storage.pointer, false, weight.storage.pointer, true, out, m: rows, n: outputs, k: inputs,
             alpha: scale, beta: bias == nil ? 0 : 1)
        if let slope {
            KernelThreads.forEachPart(of: count, work: count) { part in
                mixedbatch_leaky_relu_in_place(out + part.lowerBound, slope, part.count)
            }
        }
    }
    let operands = bias.map { [x, weight, $0] } ?? [x, weight]
    let name = slope.map { $0 == 0 ? "affine+relu" : "affine+leakyRelu" } ?? "affine"
    return result.recording(name, inputs: operands) { output, y in
        let g = slope.map { leakyReluGradient(output, y, slope: $0) } ?? output
        let dx = x.requiresGradient ? try g.matmul(weight, scale: scale) : nil
        let dw = weight.requiresGradient ? try g.matmul(x, transposeSelf: true, scale: scale) : nil
        guard let bias else { return [dx, dw] }
        return [dx, dw, bias.requiresGradient ? try g.sum(alongAxes: [0]) : nil]
    }
}
