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
    public var name: String { "non-saturating" }

    public init() {}

    public func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                                  random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "NonSaturatingObjective")
        let realLogits = try discriminator(real), fakeLogits = try discriminator(generated)
        return try softplus(-realLogits).mean() + softplus(fakeLogits).mean()
    }

    public func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                              random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "NonSaturatingObjective")
        return try softplus(-discriminator(generated)).mean()
    }
}
