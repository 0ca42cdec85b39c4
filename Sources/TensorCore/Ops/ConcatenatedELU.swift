import CKernels

/// PixelCNN++'s nonlinearity, `elu([x, −x])` over the channel axis (both signs pass, so no
/// information is lost at the kink): `[B, C, …] -> [B, 2C, …]`, fused — one C pass forward
/// and one back instead of a negation, a concatenation and ELU's five elementwise passes.
/// `eˣ − 1` comes from the vectorised exp (absolute error below 10⁻⁷ near 0, where `elu`'s
/// expm1 is exact in relative terms). When the backward pass is itself recorded (a gradient
/// of a gradient), the rule is built from differentiable ops instead:
/// `g₁·elu'(x) − g₂·elu'(−x)` with `elu'(v) = 1` for v > 0, `eᵛ` otherwise.
public func concatenatedELU(_ x: Tensor) throws -> Tensor {
    guard x.rank >= 2, x.shape[0] > 0 else {
        throw TensorError.invalidShape(operation: "concatenatedELU", shape: x.shape, expected: "[B, C, …] with B ≥ 1")
    }
    let batch = x.shape[0], inner = x.count / batch
    var outputShape = x.shape
    outputShape[1] *= 2
    let source = x.storage.pointer  // read outside the team's threads (see TensorStorage.pointer)
    let output = Tensor(shape: outputShape) { out, n in
        KernelThreads.forEachPart(of: batch, work: n) { samples in
            mixedbatch_concatenated_elu(source + samples.lowerBound * inner,
                                        out + samples.lowerBound * 2 * inner, samples.count, inner)
        }
    }
    let input = x.detached
    return output.recording("concatenatedELU", inputs: [x]) { g, y in
        guard GradMode.isEnabled else {
            let (px, py, pg) = (input.storage.pointer, y.storage.pointer, g.storage.pointer)
            let dx = Tensor(shape: input.shape) { d, n in
                KernelThreads.forEachPart(of: batch, work: 3 * n) { samples in
                    let (x, wide) = (samples.lowerBound * inner, samples.lowerBound * 2 * inner)
                    mixedbatch_concatenated_elu_backward(px + x, py + wide, pg + wide, d + x, samples.count, inner)
                }
            }
            return [dx]
        }
        let channels = x.shape[1]
        let positive = input.mask { $0 > 0 }, negative = input.mask { $0 < 0 }
        let slope = try positive + (1 - positive) * exp(x)          // elu'(x)
        let mirrored = try negative + (1 - negative) * exp(-x)      // elu'(−x)
        return [try g.narrowed(axis: 1, start: 0, length: channels) * slope
            - g.narrowed(axis: 1, start: channels, length: channels) * mirrored]
    }
}

/// PixelCNN++'s gated residual output `x + a ⊙ σ(b)` where `[a, b]` are the two halves of
/// `gates` along the channels: x `[B, C, …]`, gates `[B, 2C, …]` -> `[B, C, …]`, fused — one C
/// pass forward and one back instead of a split (two copies), a sigmoid, a product and a sum.
/// σ's exponential comes from the vectorised exp. When the backward pass is itself recorded (a
/// gradient of a gradient), the rule is built from differentiable ops instead:
/// `∂x = g`, `∂a = g ⊙ σ(b)`, `∂b = g ⊙ a ⊙ σ(b)(1 − σ(b))`.
public func gatedResidual(_ x: Tensor, gates: Tensor) throws -> Tensor {
    var gateShape = x.shape
    if gateShape.count >= 2 { gateShape[1] *= 2 }
    guard x.rank >= 2, x.shape[0] > 0, gates.shape == gateShape else {
        throw TensorError.shapeMismatch(operation: "gatedResidual", lhs: x.shape, rhs: gates.shape,
                                        expected: "x [B, C, …] with B ≥ 1 and gates [B, 2C, …]")
    }
    let batch = x.shape[0], inner = x.count / batch, channels = x.shape[1]
    let (px, pGates) = (x.storage.pointer, gates.storage.pointer)
    let output = Tensor(shape: x.shape) { out, n in
        KernelThreads.forEachPart(of: batch, work: 2 * n) { samples in
            mixedbatch_gated_residual(px + samples.lowerBound * inner, pGates + samples.lowerBound * 2 * inner,
                                      out + samples.lowerBound * inner, samples.count, inner)
        }
    }
    let fixedGates = gates.detached
    return output.recording("gatedResidual", inputs: [x, gates]) { g, _ in
        guard GradMode.isEnabled else {
            let (pGates, pg) = (fixedGates.storage.pointer, g.storage.pointer)
            let dGates = Tensor(shape: fixedGates.shape) { d, n in
                KernelThreads.forEachPart(of: batch, work: n) { samples in
                    let (narrow, wide) = (samples.lowerBound * inner, samples.lowerBound * 2 * inner)
                    mixedbatch_gated_residual_backward(pGates + wide, pg + narrow,
                                                       d + wide, samples.count, inner)
                }
            }
            return [g, dGates]
        }
        let a = try gates.narrowed(axis: 1, start: 0, length: channels)
        let s = sigmoid(try gates.narrowed(axis: 1, start: channels, length: channels))
        return [g, try Tensor.concatenate([g * s, g * a * s * (1 - s)], axis: 1)]
    }
}
