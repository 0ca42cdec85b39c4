import NeuralNet
import TensorCore

/// Mixup GAN (Zhang et al. 2018; spec §3.2): the discriminator sees convex combinations
/// of a real and a generated sample and regresses the weight of the real one.
///
///     λ_b ~ Beta(α, α),   m_b = λ_b x_b + (1 − λ_b) G(z_b)
///     L_D = (1/B) Σ_b KL(Bern(λ_b) ‖ Bern(σ(D(m_b))))       (soft-target cross-entropy,
///                                                              minus its constant entropy)
///     L_G = −E[ln σ(D(G(z)))]                                 (non-saturating, unmixed)
///
/// α is not given by the thesis (A4.1); the default α = 1 (λ uniform) is our assumption.
public struct MixupObjective: AdversarialObjective {
    public let alpha: Float
    public var name: String { "mixup" }

    public init(alpha: Float = 1) throws {
        guard alpha > 0, alpha.isFinite else {
            throw TensorError.invalidArgument(operation: "MixupObjective",
                                              detail: "α = \(alpha) must be positive and finite (α = 1 mixes uniformly)")
        }
        self.alpha = alpha
    }

    public func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                                  random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "MixupObjective")
        let batchSize = real.shape[0]
        // One weight per row of the global batch (the same draws on every process), this shard's rows.
        let weights = try DataParallel.current.drawLocalRows(batchSize) { rows in
            try Tensor((0..<rows).map { _ in try random.beta(alpha, alpha) })
        }
        let column = try weights.reshaped([batchSize] + [Int](repeating: 1, count: real.rank - 1))
        let mixed = try column * real.detached + (1 - column) * generated
        let logits = try discriminator(mixed).reshaped([-1])
        return try bernoulliKL(target: weights, logits: logits).mean()
    }

    public func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                              random: inout RandomStream) throws -> Tensor {
        try NonSaturatingObjective().generatorLoss(discriminator, real: real, generated: generated, random: &random)
    }
}
