import CDNNLConvolution
import CKernels

/// Batch normalisation in training mode as one op (Ioffe & Szegedy 2015; NeuralNet's
/// `BatchNorm` uses it on one process): for x `[B, C, …]`, per channel c over every axis but 1,
///
///     y = (x − μ_c) · r_c · γ_c + β_c,   r_c = 1 / √(σ²_c + ε),
///
/// μ and σ² the batch mean and biased variance, returned too (as constants `[C]`, for the
/// running statistics). `weight` γ and `bias` β are `[C]` or nil (1 and 0). Two passes
/// forward (statistics, then y) and two backward (per-channel sums, then dx) on fused
/// kernels, channels split over the kernel threads, instead of the dozen full-size passes
/// of the composition. The backward pass is the gradient through the batch statistics,
///
///     dβ = Σ dy,   dγ = r · Σ dy (x − μ),
///     dx = γ r (dy − Σ dy / n − (x − μ) r² Σ dy (x − μ) / n),   n = B · H · W;
///
/// when it is itself recorded (a gradient of a gradient) the same formulas are built from
/// differentiable ops instead.
public func batchNormalization(_ x: Tensor, weight: Tensor?, bias: Tensor?, epsilon: Float) throws
    -> (output: Tensor, mean: Tensor, variance: Tensor) {
    let geometry = try ChannelGeometry(x, perChannel: [("weight", weight), ("bias", bias)])
    let channels = geometry.channels
    let inLayout = ChannelBlocks(x)  // x only in a convolution's layout: computed there, y too
    let meanStorage = TensorStorage(uninitializedCount: channels), varianceStorage = TensorStorage(uninitializedCount: channels)
    let (pMean, pVariance) = (meanStorage.pointer, varianceStorage.pointer)
    if let inLayout {
        inLayout.forEachBlockRange(geometry) { blocks in
            mixedbatch_batch_norm_statistics_blocked(inLayout.values, geometry.batch, channels, inLayout.block, geometry.inner,
                                                     blocks.lowerBound, blocks.upperBound, pMean, pVariance)
        }
    } else {
        let px = x.storage.pointer  // read outside the team's threads (see TensorStorage.pointer)
        geometry.forEachChannelRange { channels in
            mixedbatch_batch_norm_statistics(px, geometry.batch, geometry.channels, geometry.inner,
                                             channels.lowerBound, channels.upperBound, pMean, pVariance)
        }
    }
    let mean = Tensor(storage: meanStorage, shape: [channels]), variance = Tensor(storage: varianceStorage, shape: [channels])
    let inverseDeviation = (1 / sqrt(variance + epsilon)).detached
    let scale = try weight.map { try inverseDeviation * $0.detached } ?? inverseDeviation
    let shift = bias?.detached ?? Tensor.zeros([channels])
    let y = inLayout?.normalized(x, geometry, mean: mean, scale: scale, shift: shift)
        ?? geometry.normalized(x, mean: mean, scale: scale, shift: shift)
    let inputs = [x] + [weight, bias].compactMap { $0 }
    let output = y.recording("batchNormalization", inputs: inputs) { dy, _ in
        let (dx, dWeight, dBias) = GradMode.isEnabled
            ? try batchNormalizationGradients(x, weight: weight, dy: dy, epsilon: epsilon)
            : try batchNormalizationGradients(x, weight: weight, dy: dy, mean: mean, inverseDeviation: inverseDeviation,
                                              geometry: geometry, inLayout: inLayout?.withGradient(dy))
        return [dx] + (weight == nil ? [] : [dWeight]) + (bias == nil ? [] : [dBias])
    }
    return (output, mean, variance)
}

/// Batch normalisation in evaluation mode as one op: `y = (x − μ_c) · s_c + β_c` with
/// `s = γ / √(σ² + ε)` from given statistics `mean` μ and `variance` σ² `[C]` (the running ones:
/// constants), one pass forward; `weight` γ and `bias` β `[C]` or nil (1 and 0). Gradients:
/// `dx = dy · s`, `dγ = Σ dy (x − μ) / √(σ² + ε)`, `dβ = Σ dy`, all from differentiable ops.
public func batchNormalization(_ x: Tensor, weight: Tensor?, bias: Tensor?, mean: Tensor, variance: Tensor,
                               epsilon: Float) throws -> Tensor {
    let geometry = try ChannelGeometry(x, perChannel: [("weight", weight), ("bias", bias), ("mean", mean), ("variance", variance)])
    let channels = geometry.channels
    let (mean, inverseDeviation) = (mean.detached, (1 / sqrt(variance.detached + epsilon)))
    let scale = try weight.map { try inverseDeviation * $0 } ?? inverseDeviation
    let y = geometry.normalized(x, mean: mean, scale: scale.detached, shift: bias?.detached ?? Tensor.zeros([channels]))
    let statisticsShape = [1, channels] + Array(repeating: 1, count: x.rank - 2)
    let axes = [0] + Array(2..<x.rank)
    return y.recording("batchNormalization", inputs: [x, scale] + (bias.map { [$0] } ?? [])) { dy, _ in
        let dScale = scale.gradNode == nil ? nil
            : try (dy * (x - mean.reshaped(statisticsShape))).sum(alongAxes: axes)
        return [try dy * scale.reshaped(statisticsShape), dScale] + (bias == nil ? [] : [try dy.sum(alongAxes: axes)])
    }
}

/// The backward pass on the fused kernels (constants: not recorded), in x's layout when dy has
/// a copy in it too (`inLayout`: x's blocks and dy's values there).
private func batchNormalizationGradients(_ x: Tensor, weight: Tensor?, dy: Tensor, mean: Tensor, inverseDeviation: Tensor,
                                         geometry: ChannelGeometry,
                                         inLayout: (blocks: ChannelBlocks, dy: UnsafePointer<Float>)?) throws -> (Tensor, Tensor, Tensor) {
    let channels = geometry.channels
    let sumStorage = TensorStorage(uninitializedCount: channels), weightedStorage = TensorStorage(uninitializedCount: channels)
    let (pMean, pSum, pWeighted) = (mean.storage.pointer, sumStorage.pointer, weightedStorage.pointer)
    if let (blocks, pdy) = inLayout {
        blocks.forEachBlockRange(geometry) { range in
            mixedbatch_batch_norm_backward_sums_blocked(blocks.values, pdy, pMean, geometry.batch, channels, blocks.block,
                                                        geometry.inner, range.lowerBound, range.upperBound, pSum, pWeighted)
        }
    } else {
        let (px, pdy) = (x.storage.pointer, dy.storage.pointer)
        geometry.forEachChannelRange { channels in
            mixedbatch_batch_norm_backward_sums(px, pdy, pMean, geometry.batch, geometry.channels, geometry.inner,
                                                channels.lowerBound, channels.upperBound, pSum, pWeighted)
        }
    }
    let sumDy = Tensor(storage: sumStorage, shape: [channels]), sumDyCentered = Tensor(storage: weightedStorage, shape: [channels])
    let n = Float(geometry.batch * geometry.inner)
    let gain = try weight.map { try inverseDeviation * $0.detached } ?? inverseDeviation
    let offset = sumDy / n
    let slope = try square(inverseDeviation) * sumDyCentered / n
    let (pGain, pOffset, pSlope) = (gain.storage.pointer, offset.storage.pointer, slope.storage.pointer)
    let dx: Tensor
    if let (blocks, pdy) = inLayout {
        dx = blocks.filled(shape: x.shape) { out in
            blocks.forEachBlockRange(geometry) { range in
                mixedbatch_batch_norm_backward_data_blocked(blocks.values, pdy, pMean, pGain, pOffset, pSlope, out,
                                                            geometry.batch, channels, blocks.block, geometry.inner,
                                                            range.lowerBound, range.upperBound)
            }
        }
    } else {
        dx = Tensor(shape: x.shape) { out, _ in
            let (px, pdy) = (x.storage.pointer, dy.storage.pointer)
            geometry.forEachChannelRange { channels in
                mixedbatch_batch_norm_backward_data(px, pdy, pMean, pGain, pOffset, pSlope, out, geometry.batch,
                                                    geometry.channels, geometry.inner, channels.lowerBound, channels.upperBound)
            }
        }
    }
    return (dx, try inverseDeviation * sumDyCentered, sumDy)
}

/// The same gradients from differentiable ops (recorded when a gradient of a gradient is
/// taken); the statistics are recomputed from `x` so that they take part in the graph.
private func batchNormalizationGradients(_ x: Tensor, weight: Tensor?, dy: Tensor, epsilon: Float) throws
    -> (Tensor, Tensor, Tensor) {
    let channels = x.shape[1]
    let axes = [0] + Array(2..<x.rank)
    let statisticsShape = [1, channels] + Array(repeating: 1, count: x.rank - 2)
    let n = Float(x.count / channels)
    let centered = try x - x.mean(alongAxes: axes, keepingDimensions: true)
    let inverseDeviation = 1 / sqrt(try square(centered).mean(alongAxes: axes, keepingDimensions: true) + epsilon)
    let normalized = try centered * inverseDeviation
    let sumDy = try dy.sum(alongAxes: axes, keepingDimensions: true)
    let sumDyNormalized = try (dy * normalized).sum(alongAxes: axes, keepingDimensions: true)
    let gain = try weight.map { try inverseDeviation * $0.reshaped(statisticsShape) } ?? inverseDeviation
    let dx = try gain * (dy - sumDy / n - normalized * (sumDyNormalized / n))
    return (dx, try sumDyNormalized.reshaped([channels]), try sumDy.reshaped([channels]))
}

/// x `[B, C, …]` as `[batch, channels, inner]`, and the split of its channels over the
/// kernel threads.
private struct ChannelGeometry {
    let batch: Int, channels: Int, inner: Int

    /// The geometry of `x`, after checking that it is `[B, C, …]` with B, C > 0 and that each
    /// given per-channel tensor is `[C]`.
    init(_ x: Tensor, perChannel: [(name: String, tensor: Tensor?)]) throws {
        guard x.rank >= 2, x.shape[0] > 0, x.shape[1] > 0 else {
            throw TensorError.invalidShape(operation: "batchNormalization", shape: x.shape, expected: "[B, C, …] with B, C > 0")
        }
        (batch, channels, inner) = (x.shape[0], x.shape[1], x.shape.dropFirst(2).reduce(1, *))
        for (name, tensor) in perChannel {
            guard let tensor, tensor.shape != [channels] else { continue }
            throw TensorError.shapeMismatch(operation: "batchNormalization", lhs: x.shape, rhs: tensor.shape,
                                            expected: "the \(name) must be [\(channels)]")
        }
    }

    func forEachChannelRange(_ body: (Range<Int>) -> Void) {
        KernelThreads.forEachPart(of: channels, work: batch * channels * inner, body)
    }

    /// `(x − mean_c) · scale_c + shift_c`, constants `[C]`, in one pass.
    func normalized(_ x: Tensor, mean: Tensor, scale: Tensor, shift: Tensor) -> Tensor {
        let (px, pMean, pScale, pShift) = (x.storage.pointer, mean.storage.pointer, scale.storage.pointer, shift.storage.pointer)
        return Tensor(shape: x.shape) { out, _ in
            forEachChannelRange { channels in
                mixedbatch_batch_norm_apply(px, pMean, pScale, pShift, out, batch, self.channels, inner,
                                            channels.lowerBound, channels.upperBound)
            }
        }
    }
}

/// x's values in a convolution primitive's layout copy, laid out `[B][C / block][H·W][block]`
/// (channel-blocked or channels-last), when x has them only there: the batch norm of a
/// generator between transposed convolutions is computed in that layout (the same bits as on
/// NCHW), its output and, when the gradient has a copy in the layout too, its input gradient
/// staying there for the next primitive.
private struct ChannelBlocks {
    let copy: OneDNNLayoutCopy, block: Int

    init?(_ x: Tensor) {
        guard x.rank == 4, x.storage.isPlainPending, let copy = x.storage.layoutCopy else { return nil }
        let block = Int(mixedbatch_dnnl_layout_copy_channel_block(copy.handle))
        guard block > 0, block <= Int(MIXEDBATCH_BATCH_NORM_MAX_BLOCK) else { return nil }
        (self.copy, self.block) = (copy, block)
    }

    var values: UnsafePointer<Float> { UnsafePointer(copy.data) }

    /// These blocks and dy's values when dy has a copy in the same layout, else nil (the copy
    /// lives as long as dy, which the backward pass holds).
    func withGradient(_ dy: Tensor) -> (blocks: ChannelBlocks, dy: UnsafePointer<Float>)? {
        guard let dyCopy = dy.storage.layoutCopy, dyCopy.hasLayout(of: copy) else { return nil }
        return (self, UnsafePointer(dyCopy.data))
    }

    func forEachBlockRange(_ geometry: ChannelGeometry, _ body: (Range<Int>) -> Void) {
        let blocks = (geometry.channels + block - 1) / block
        KernelThreads.forEachPart(of: blocks, work: geometry.batch * geometry.channels * geometry.inner, body)
    }

    /// A tensor of `shape` whose values exist only in a new copy of this layout, filled by `fill`.
    func filled(shape: [Int], _ fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        Tensor.valuesOnly(in: copy.emptyLike(), shape: shape, fill)
    }

    /// `(x − mean_c) · scale_c + shift_c` in the layout (the padding stays zero).
    func normalized(_ x: Tensor, _ geometry: ChannelGeometry, mean: Tensor, scale: Tensor, shift: Tensor) -> Tensor {
        let (pMean, pScale, pShift) = (mean.storage.pointer, scale.storage.pointer, shift.storage.pointer)
        return filled(shape: x.shape) { out in
            forEachBlockRange(geometry) { blocks in
                mixedbatch_batch_norm_apply_blocked(values, pMean, pScale, pShift, out, geometry.batch, geometry.channels,
                                                    block, geometry.inner, blocks.lowerBound, blocks.upperBound)
            }
        }
    }
}
