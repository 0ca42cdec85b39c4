import NeuralNet
import TensorCore

/// WGAN-GP (Gulrajani et al. 2017; spec §1.6): a critic with an unbounded output and a
/// penalty that keeps its gradient norm near 1 on random interpolates.
///
///     x̂_b = ε_b x_b + (1 − ε_b) x̃_b,  ε_b ~ U[0, 1]
///     L_D = E[D(x̃)] − E[D(x)] + λ E[(‖∇_x̂ D(x̂)‖₂ − 1)²]
///     L_G = −E[D(G(z))]
///
/// The penalty differentiates the critic's input gradient again (second-order autodiff).
/// The critic must be per-sample: `[B, …] -> [B, 1]`.
public struct WassersteinGPObjective: AdversarialObjective {
    /// λ, 10 in Gulrajani et al.
    public let penaltyWeight: Float
    /// Scores real and generated samples in one pass (per-sample critics only; see
    /// `NonSaturatingObjective.scoresJointly`).
    public let scoresJointly: Bool
    public var name: String { "wgan-gp" }

    public init(penaltyWeight: Float = 10, scoresJointly: Bool = false) throws {
        self.penaltyWeight = try validatedPenaltyWeight(penaltyWeight, objective: "WassersteinGPObjective")
        self.scoresJointly = scoresJointly
    }

    public func discriminatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                                  random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "WassersteinGPObjective")
        let scores = try scoreSeparately(discriminator, real: real, generated: generated, jointly: scoresJointly)
        let wasserstein = try scores.generated.mean() - scores.real.mean()
        let penalty = try gradientPenalty(discriminator, real: real.detached, generated: generated.detached,
                                          random: &random)
        return try wasserstein + penaltyWeight * penalty
    }

    public func generatorLoss(_ discriminator: any Layer, real: Tensor, generated: Tensor,
                              random: inout RandomStream) throws -> Tensor {
        try checkBatches(real, generated, objective: "WassersteinGPObjective")
        return try -discriminator(generated).mean()
    }
}

/// λ itself when it is finite and ≥ 0; otherwise an error naming `objective`.
func validatedPenaltyWeight(_ weight: Float, objective: String) throws -> Float {
    guard weight >= 0, weight.isFinite else {
        throw TensorError.invalidArgument(operation: objective, detail: "the penalty weight λ = \(weight) must be finite and ≥ 0")
    }
    return weight
}

/// `E[(‖∇_x̂ D(x̂)‖₂ − 1)²]` over interpolates `x̂ = ε x + (1 − ε) x̃` with one `ε ~ U[0, 1]`
/// per sample; the result is differentiable in the critic's parameters.
public func gradientPenalty(_ critic: any Layer, real: Tensor, generated: Tensor,
                            random: inout RandomStream) throws -> Tensor {
    let batchSize = real.shape[0]
    let rowShape = [batchSize] + [Int](repeating: 1, count: real.rank - 1)
    let epsilon = try DataParallel.current.drawLocalRows(batchSize) { random.uniform([$0]) }.reshaped(rowShape)
    let interpolates = try (epsilon * real + (1 - epsilon) * generated).detached.requiringGradient()
    let scores = try critic(interpolates)
    guard scores.shape == [batchSize, 1] || scores.shape == [batchSize] else {
        throw TensorError.invalidShape(operation: "gradientPenalty", shape: scores.shape,
                                       expected: "a per-sample critic output [\(batchSize), 1]")
    }
    let inputGradient = try gradients(of: scores.sum(), wrt: [interpolates], createGraph: true)[0]
    let norms = try sqrt(square(inputGradient).reshaped([batchSize, -1]).sum(alongAxes: [1]) + 1e-12)
    return square(norms - 1).mean()
}
