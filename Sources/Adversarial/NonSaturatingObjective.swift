import NeuralNet
import TensorCore

/// The standard GAN of Goodfellow et al. with the non-saturating generator loss, on pure
/// batches: the discriminator sees a batch of real samples (target 1) and a batch of
/// generated samples (target 0) separately.
///
///     L_D = E[softplus(−D(x))] + E[softplus(D(G(z)))]     (binary cross-entropy from logits)
///     L_G = E[softplus(−D(G(z)))] = −E[ln σ(D(G(z)))]
///
/// The baselines that change the discriminator rather than the loss — minibatch
/// discrimination, minibatch standard deviation, PacGAN packing — use this objective.
public struct NonSaturatingObjective: AdversarialObjective {
    /// Scores the real and generated batches in one pass over their 2B rows (see
    /// `scoreSeparately(_:real:generated:jointly:)`); only for per-sample discriminators.
    public let scoresJointly: Bool
    public var name: String { "non-saturating" }

    public init(scoresJointly: Bool = false) {
        self.scoresJointly = scoresJointly
    }

    public func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                                  random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "NonSaturatingObjective")
        let (realLogits, fakeLogits) = try scoreSeparately(discriminator, real: real, generated: generated,
                                                           jointly: scoresJointly)
        return try softplus(-realLogits).mean() + softplus(fakeLogits).mean()
    }

    public func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                              random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "NonSaturatingObjective")
        return try softplus(-discriminator(generated)).mean()
    }
}

/// The discriminator's outputs on the real and on the generated batch — each batch judged on
/// its own, as the pure-batch objectives require.
///
/// With `jointly: true` the two batches are concatenated and scored in one pass, then split:
/// the same values for a discriminator that treats samples independently (an MLP, a CNN
/// without batch statistics), with half the passes and GEMMs twice as tall. It would be
/// wrong for a batch-aware discriminator (minibatch discrimination, batch norm, packing),
/// which must see each batch alone.
func scoreSeparately(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                     jointly: Bool) throws -> (real: Tensor, generated: Tensor) {
    guard jointly else { return (try discriminator(real), try discriminator(generated)) }
    let scores = try discriminator(Tensor.concatenate([real.detached, generated], axis: 0))
    let parts = try scores.split(sizes: [scores.shape[0] / 2, scores.shape[0] - scores.shape[0] / 2], axis: 0)
    return (parts[0], parts[1])
}
