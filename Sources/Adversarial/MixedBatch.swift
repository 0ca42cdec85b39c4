import TensorCore

/// A batch whose rows are real or generated samples (Eq. 4.2, spec §3.3):
/// `m_β(x, x̃) = x ⊙ β + x̃ ⊙ (1 − β)`, with target `#β / B`, the fraction of real rows.
public struct MixedBatch {
    /// `[B, …]`: row b is real where `isReal[b] == 1`, generated otherwise.
    public let samples: Tensor
    /// β, `[B]`, 0/1.
    public let isReal: Tensor
    /// `#β / B`.
    public let realFraction: Float

    /// Draws p* from `prior`, then β_b ~ Bernoulli(p*) independently, and mixes.
    ///
    /// Gradients flow into the generated rows only (`real` is used as a constant).
    /// `real` and `generated` must have the same shape `[B, …]`. Under data parallelism they
    /// are this process's shard: β is drawn for the global batch (the same draws on every
    /// process), `#β / B` counts over the global batch, and the shard's rows of β are used.
    public static func draw(real: Tensor, generated: Tensor, prior: some MixingPrior,
                            random: inout RandomStream) throws -> (batch: MixedBatch, complement: MixedBatch) {
        guard real.shape == generated.shape, real.rank >= 1, real.shape[0] > 0 else {
            throw TensorError.shapeMismatch(operation: "MixedBatch.draw", lhs: real.shape, rhs: generated.shape,
                                            expected: "real and generated batches must have the same shape [B, …] with B ≥ 1")
        }
        let proportion = try prior.sampleProportion(using: &random)
        let group = DataParallel.current
        let everyIsReal = random.bernoulli([real.shape[0] * group.size], probability: proportion)
        let realFraction = everyIsReal.scalars.reduce(0, +) / Float(everyIsReal.count)
        let isReal = try everyIsReal.localShard(in: group)
        return (try mix(real: real, generated: generated, isReal: isReal, realFraction: realFraction),
                try mix(real: real, generated: generated, isReal: 1 - isReal, realFraction: 1 - realFraction))
    }

    /// Mixes with a given β (`[B]`, 0/1). The rows discarded by β, mixed with `1 − β`,
    /// form the complementary batch with target `1 − #β/B` (optional sample reuse).
    /// `realFraction` overrides `#β / B` (the global batch's fraction under data parallelism).
    public static func mix(real: Tensor, generated: Tensor, isReal: Tensor, realFraction: Float? = nil) throws -> MixedBatch {
        let batchSize = real.shape[0]
        guard isReal.shape == [batchSize] else {
            throw TensorError.shapeMismatch(operation: "MixedBatch.mix", lhs: isReal.shape, rhs: [batchSize],
                                            expected: "β must be [B]")
        }
        let rowShape = [batchSize] + [Int](repeating: 1, count: real.rank - 1)
        let samples = try Tensor.where(isReal.reshaped(rowShape), real.detached, generated)
        let count = isReal.scalars.reduce(0, +)
        return MixedBatch(samples: samples, isReal: isReal, realFraction: realFraction ?? count / Float(batchSize))
    }
}
