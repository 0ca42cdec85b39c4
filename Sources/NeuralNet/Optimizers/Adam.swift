import CKernels
import Foundation
import TensorCore

/// Adam (Kingma & Ba, 2015) with L2 weight decay added to the gradient, exactly as
/// PyTorch's `torch.optim.Adam` (not AdamW):
///
///     g ← ∇ + λ·θ
///     m ← β₁·m + (1 − β₁)·g                    (state "exp_avg")
///     v ← β₂·v + (1 − β₂)·g²                   (state "exp_avg_sq")
///     θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// `t` is the optimiser's step count (`stepCount`, from 1).
public final class Adam: ElementwiseOptimizer {
    public let module: Module
    public var learningRate: Float
    public let hyperparameters: AdamHyperparameters
    public let store = OptimizerStateStore()
    public var name: String { "Adam" }
    public var stateNames: [String] { ["exp_avg", "exp_avg_sq"] }

    public init(for module: Module, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) throws {
        hyperparameters = try AdamHyperparameters(optimizer: "Adam", learningRate: learningRate, beta1: beta1,
                                                  beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        self.module = module
        self.learningRate = learningRate
    }

    public func update(_ slot: ParameterSlot) -> Int? {
        let t = Double(slot.step)
        let (b1, b2, wd, eps) = (hyperparameters.beta1, hyperparameters.beta2, hyperparameters.weightDecay, hyperparameters.epsilon)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(b1), t)))
        let correction2 = Float((1 - pow(Double(b2), t)).squareRoot())
        return mixedbatch_adam_step(slot.parameter, slot.gradient, slot.state[0], slot.state[1], slot.count,
                                    b1, b2, eps, wd, stepSize, correction2)
    }
}
