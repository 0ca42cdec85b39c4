import CKernels

/// Real-NVP's affine coupling (Dinh et al. 2017; spec §1.3), fused. For x `[B, C, …]`, the
/// coupling network's output `network` `[B, 2C, …]` (s̃ on its first C channels, t on the
/// last C) and the row mask `kept` `[1, C, …]` (1 where the coupling keeps a variable, else 0):
///
///     y = kept ⊙ x + (1 − kept) ⊙ (x ⊙ exp(s) + t),   s = scaleBound · tanh(s̃) ⊙ (1 − kept)
///     ln |det ∂y/∂x| = Σ s  per sample, `[B]`
///
/// One pass forward; one back for y and one for the log-determinant, instead of the dozen
/// elementwise passes (narrowing copies, tanh, exp, masks) of the composed expression, each
/// with its own backward. The gradients reach x and `network`; the mask is a constant.
/// When a backward pass is itself recorded (a gradient of a gradient), the rules are built
/// from differentiable ops instead.
public func affineCoupling(_ x: Tensor, network: Tensor, kept: Tensor,
                           scaleBound: Float) throws -> (output: Tensor, logDeterminant: Tensor) {
    let (batch, inner) = try couplingOperands(x, network, kept, "affineCoupling")
    let (px, pNet, pMask) = (x.storage.pointer, network.storage.pointer, kept.storage.pointer)
    let logDeterminant = TensorStorage(uninitializedCount: batch)
    let y = Tensor(shape: x.shape) { out, _ in
        let pLog = logDeterminant.pointer
        KernelThreads.forEachPart(of: batch, work: 3 * batch * inner) { samples in
            let (row, wide) = (samples.lowerBound * inner, samples.lowerBound * 2 * inner)
            mixedbatch_affine_coupling(px + row, pNet + wide, pMask, scaleBound, out + row,
                                       pLog + samples.lowerBound, samples.count, inner)
        }
    }
    let (fixedX, fixedNetwork) = (x.detached, network.detached)
    let output = y.recording("affineCoupling", inputs: [x, network]) { g, _ in
        guard GradMode.isEnabled else {
            return fusedBackward(mixedbatch_affine_coupling_backward, fixedX, fixedNetwork, kept, scaleBound, g)
        }
        let parts = try CouplingParts(network, kept, scaleBound: scaleBound)
        let e = exp(parts.s)
        return [try g * (kept + parts.transformed * e),
                try parts.networkGradient(scale: g * x * e, shift: g * parts.transformed)]
    }
    let logDeterminantTensor = Tensor(storage: logDeterminant, shape: [batch])
        .recording("affineCouplingLogDeterminant", inputs: [network]) { g, _ in
            guard GradMode.isEnabled else {
                let dNetwork = TensorStorage(uninitializedCount: network.count)
                let (pNet, pg, pdNet) = (fixedNetwork.storage.pointer, g.storage.pointer, dNetwork.pointer)
                KernelThreads.forEachPart(of: batch, work: 3 * batch * inner) { samples in
                    let wide = samples.lowerBound * 2 * inner
                    mixedbatch_affine_coupling_log_det_backward(pNet + wide, pMask, scaleBound, pg + samples.lowerBound,
                                                                pdNet + wide, samples.count, inner)
                }
                return [Tensor(storage: dNetwork, shape: network.shape)]
            }
            let parts = try CouplingParts(network, kept, scaleBound: scaleBound)
            let perSample = try g.reshaped([batch] + Array(repeating: 1, count: x.rank - 1))
            return [try parts.networkGradient(scale: perSample * parts.transformed, shift: nil)]
        }
    return (output, logDeterminantTensor)
}

/// The inverse of `affineCoupling` (same operands, y in place of x), fused:
/// `x = kept ⊙ y + (1 − kept) ⊙ (y − t) ⊙ exp(−s)`. One pass each way; differentiable in y and
/// `network` (Flow-GAN trains the flow adversarially through this direction).
public func inverseAffineCoupling(_ y: Tensor, network: Tensor, kept: Tensor, scaleBound: Float) throws -> Tensor {
    let (batch, inner) = try couplingOperands(y, network, kept, "inverseAffineCoupling")
    let (py, pNet, pMask) = (y.storage.pointer, network.storage.pointer, kept.storage.pointer)
    let x = Tensor(shape: y.shape) { out, _ in
        KernelThreads.forEachPart(of: batch, work: 3 * batch * inner) { samples in
            let (row, wide) = (samples.lowerBound * inner, samples.lowerBound * 2 * inner)
            mixedbatch_affine_coupling_inverse(py + row, pNet + wide, pMask, scaleBound, out + row, samples.count, inner)
        }
    }
    let fixedNetwork = network.detached
    return x.recording("inverseAffineCoupling", inputs: [y, network]) { g, x in
        guard GradMode.isEnabled else {
            return fusedBackward(mixedbatch_affine_coupling_inverse_backward, x, fixedNetwork, kept, scaleBound, g)
        }
        let parts = try CouplingParts(network, kept, scaleBound: scaleBound)
        let inverseScale = exp(-parts.s)
        let unshifted = try (y - parts.shift) * inverseScale  // x on the transformed variables
        return [try g * (kept + parts.transformed * inverseScale),
                try parts.networkGradient(scale: -(g * unshifted), shift: -(g * inverseScale))]
    }
}

/// A backward kernel of `CKernels/AffineCoupling.c`: (the operand or output it needs, the
/// network's output, the mask, the bound, the output's gradient, ∂ of the coupled operand,
/// ∂network, samples, scalars per sample).
private typealias CouplingBackwardKernel = @convention(c) (
    UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?, Float, UnsafePointer<Float>?,
    UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int) -> Void

/// `[∂operand, ∂network]` of a fused coupling from its output's gradient `g`, by `kernel` over
/// parts of the batch; `values` `[B, C, …]` is what the kernel reads beside the network's output.
private func fusedBackward(_ kernel: CouplingBackwardKernel, _ values: Tensor, _ network: Tensor, _ kept: Tensor,
                           _ scaleBound: Float, _ g: Tensor) -> [Tensor?] {
    let (batch, inner) = (values.shape[0], values.count / values.shape[0])
    let dValues = TensorStorage(uninitializedCount: values.count), dNetwork = TensorStorage(uninitializedCount: network.count)
    let (pValues, pNet, pMask, pg) = (values.storage.pointer, network.storage.pointer, kept.storage.pointer, g.storage.pointer)
    let (pdValues, pdNet) = (dValues.pointer, dNetwork.pointer)
    KernelThreads.forEachPart(of: batch, work: 5 * batch * inner) { samples in
        let (row, wide) = (samples.lowerBound * inner, samples.lowerBound * 2 * inner)
        kernel(pValues + row, pNet + wide, pMask, scaleBound, pg + row, pdValues + row, pdNet + wide, samples.count, inner)
    }
    return [Tensor(storage: dValues, shape: values.shape), Tensor(storage: dNetwork, shape: network.shape)]
}

/// `(B, C·…)` after checking x `[B, C, …]` (B ≥ 1), network `[B, 2C, …]` and kept `[1, C, …]`.
private func couplingOperands(_ x: Tensor, _ network: Tensor, _ kept: Tensor, _ operation: String) throws -> (Int, Int) {
    guard x.rank >= 2, x.shape[0] > 0 else {
        throw TensorError.invalidShape(operation: operation, shape: x.shape, expected: "[B, C, …] with B ≥ 1")
    }
    let row = Array(x.shape.dropFirst())
    guard network.shape == [x.shape[0], 2 * x.shape[1]] + row.dropFirst() else {
        throw TensorError.shapeMismatch(operation: operation, lhs: x.shape, rhs: network.shape,
                                        expected: "the coupling network's output [B, 2C, …] (s̃ and t) for x [B, C, …]")
    }
    guard kept.shape == [1] + row else {
        throw TensorError.shapeMismatch(operation: operation, lhs: x.shape, rhs: kept.shape,
                                        expected: "the mask [1, C, …] of one row of x [B, C, …]")
    }
    return (x.shape[0], x.count / x.shape[0])
}

/// The coupling's pieces as differentiable tensors, for backward passes that are themselves
/// recorded: `1 − kept`, tanh(s̃), s = bound · tanh(s̃) ⊙ (1 − kept) and t ⊙ (1 − kept).
private struct CouplingParts {
    let network: Tensor, transformed: Tensor, tanhScale: Tensor, s: Tensor, shift: Tensor
    let channels: Int, scaleBound: Float

    init(_ network: Tensor, _ kept: Tensor, scaleBound: Float) throws {
        channels = network.shape[1] / 2
        self.network = network
        self.scaleBound = scaleBound
        transformed = 1 - kept
        tanhScale = tanh(try network.narrowed(axis: 1, start: 0, length: channels))
        s = try scaleBound * tanhScale * transformed
        shift = try network.narrowed(axis: 1, start: channels, length: channels) * transformed
    }

    /// `[∂s̃, ∂t]` from the gradients reaching `s / (1 − kept)` (before the bound and tanh) and t.
    func networkGradient(scale: Tensor, shift: Tensor?) throws -> Tensor {
        let dScale = try scale * transformed * (scaleBound * (1 - tanhScale * tanhScale))
        return try Tensor.concatenate([dScale, shift.map { try $0 * transformed } ?? Tensor.zeros(dScale.shape)], axis: 1)
    }
}
