import NeuralNet
import TensorCore

/// BGAN and M-BGAN (§4.3, spec §3.3): the discriminator regresses the fraction of real
/// samples in a mixed batch (Eq. 4.2) whose mixing proportion p* comes from `prior`.
///
///     L_D = E_{p*, β} KL(Bern(#β/B) ‖ Bern(D(m_β(x, x̃))))     (Eq. 4.4)
///     L_G = −E_{p*, β} ln D(m_β(x, G(z)))                       (Eq. 4.5, non-saturating)
///
/// with the loss placed as `loss.placement` says (BGAN, Eq. 4.13, or M-BGAN, Eq. 4.14).
/// The discriminator must map `[B, …] -> [B, 1]` per-sample logits — the outputs of the
/// last equivariant layer of an `EquivariantNetwork`. Batch smoothing with γ = 0 is the
/// pure-batch objective of Eq. 4.1.
public struct MixedBatchObjective: AdversarialObjective {
    public let prior: any MixingPrior
    public let loss: BatchDiscriminatorLoss
    /// Also trains on the complementary batch `m_{1−β}` with target `1 − #β/B` (spec §3.3,
    /// step 6) and averages the two discriminator losses.
    public let reusesComplement: Bool
    public var name: String { "mixed-batch" }

    public init(prior: any MixingPrior, placement: LossPlacement = .default, reusesComplement: Bool = false) {
        self.prior = prior
        self.loss = BatchDiscriminatorLoss(placement: placement)
        self.reusesComplement = reusesComplement
    }

    public func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                                  random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "MixedBatchObjective")
        let (batch, complement) = try MixedBatch.draw(real: real, generated: generated, prior: prior, random: &random)
        let first = try loss.discriminatorLoss(logits: discriminator(batch.samples), realFraction: batch.realFraction)
        guard reusesComplement else { return first }
        let second = try loss.discriminatorLoss(logits: discriminator(complement.samples),
                                                realFraction: complement.realFraction)
        return try (first + second) * 0.5
    }

    public func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                              random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "MixedBatchObjective")
        let (batch, _) = try MixedBatch.draw(real: real, generated: generated, prior: prior, random: &random)
        return try loss.generatorLoss(logits: discriminator(batch.samples))
    }
}
