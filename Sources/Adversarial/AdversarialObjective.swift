import NeuralNet
import TensorCore

/// One adversarial game: what the discriminator and the generator each minimise, given a
/// real batch and a generated batch. Every method of chapter 4 — the standard GAN, mixup,
/// BGAN / M-BGAN on mixed batches, WGAN-GP — is one objective plugged into the same
/// training loop (`AdversarialTrainer`); batch-aware discriminators (minibatch
/// discrimination, minibatch standard deviation, PacGAN packing, equivariant networks)
/// are layers, not objectives.
///
/// Shapes: `real` and `generated` are `[B, …]` with the same shape. The discriminator maps
/// `[N, …] -> [N', 1]` logits (N' = N for per-sample networks, N/m for m-packing).
public protocol AdversarialObjective: Sendable {
    /// A short name for tables and manifests (`"non-saturating"`, `"mixed-batch"`, …).
    var name: String { get }

    /// The scalar loss the discriminator minimises. `generated` is detached by the caller;
    /// randomness the objective needs (mixing proportions, interpolation weights) comes
    /// from `random`.
    func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                           random: inout RandomStream) throws -> Tensor

    /// The scalar loss the generator minimises; gradients reach the generator through the
    /// rows of `generated`.
    func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                       random: inout RandomStream) throws -> Tensor
}

/// Checks the shape contract shared by every objective.
func checkBatches(_ real: Tensor, _ generated: Tensor, objective: String) throws {
    guard real.shape == generated.shape, real.rank >= 1, real.shape[0] > 0 else {
        throw TensorError.shapeMismatch(operation: objective, lhs: real.shape, rhs: generated.shape,
                                        expected: "real and generated batches must have the same shape [B, …] with B ≥ 1")
    }
}
