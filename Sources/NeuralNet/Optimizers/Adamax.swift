import Foundation
import TensorCore

/// Adamax (Kingma & Ba, 2015, §7.1: Adam under the infinity norm) with L2 weight decay,
/// exactly as PyTorch's `torch.optim.Adamax`:
///
///     g ← ∇ + λ·θ
///     m ← β₁·m + (1 − β₁)·g                    (state "exp_avg")
///     u ← max(β₂·u, |g| + ε)                   (state "exp_inf")
///     θ ← θ − lr/(1 − β₁ᵗ) · m / u
///
/// `t` is the optimiser's step count (`stepCount`, from 1).
public final class Adamax: ElementwiseOptimizer {
    public let module: Module
    public var learningRate: Float
    public let hyperparameters: AdamHyperparameters
    public let store = OptimizerStateStore()
    public var name: String { "Adamax" }
    public var stateNames: [String] { ["exp_avg", "exp_inf"] }

    public init(for module: Module, learningRate: Float = 2e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) throws {
        hyperparameters = try AdamHyperparameters(optimizer: "Adamax", learningRate: learningRate, beta1: beta1,
                                                  beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        self.module = module
        self.learningRate = learningRate
    }

    public func update(_ slot: ParameterSlot) -> Int? {
        let (b1, b2, wd, eps) = (hyperparameters.beta1, hyperparameters.beta2, hyperparameters.weightDecay, hyperparameters.epsilon)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(b1), Double(slot.step))))
        slot.forEachLanes { p, g, m, u in
            let gi = g + wd * p
            m = b1 * m + (1 - b1) * gi
            let decayed = b2 * u, magnitude = gi.replacing(with: -gi, where: gi .< 0) + eps
            u = decayed.replacing(with: magnitude, where: magnitude .> decayed)
            p -= stepSize * m / u
        }
        return nil
    }
}
