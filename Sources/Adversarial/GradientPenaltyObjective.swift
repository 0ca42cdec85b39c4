import NeuralNet
import TensorCore

/// Any objective with the gradient penalty of WGAN-GP added to its discriminator loss — the
/// "GP" baseline of Table 4.1 (Miyato et al.'s standard loss with Gulrajani et al.'s penalty):
///
///     L_D = L_D^base + λ E[(‖∇_x̂ D(x̂)‖₂ − 1)²],  x̂ = ε x + (1 − ε) x̃,  ε ~ U[0, 1]
///     L_G = L_G^base
///
/// The discriminator must be per-sample (`gradientPenalty`'s contract).
public struct GradientPenaltyObjective: AdversarialObjective {
    public let base: any AdversarialObjective
    /// λ, 10 in Gulrajani et al.
    public let penaltyWeight: Float
    public var name: String { "\(base.name) + gradient penalty" }

    public init(base: any AdversarialObjective, penaltyWeight: Float = 10) throws {
        self.base = base
        self.penaltyWeight = try validatedPenaltyWeight(penaltyWeight, objective: "GradientPenaltyObjective")
    }

    public func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                                  random: inout RandomStream) throws -> Tensor {
        let loss = try base.discriminatorLoss(discriminator, real: real, generated: generated, random: &random)
        let penalty = try gradientPenalty(discriminator, real: real.detached, generated: generated.detached, random: &random)
        return try loss + penaltyWeight * penalty
    }

    public func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                              random: inout RandomStream) throws -> Tensor {
        try base.generatorLoss(discriminator, real: real, generated: generated, random: &random)
    }
}
