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
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let store = OptimizerStateStore()
    public var name: String { "Adam" }
    public var stateNames: [String] { ["exp_avg", "exp_avg_sq"] }

    public init(for module: Module, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) throws {
        try validateAdamHyperparameters("Adam", learningRate, beta1, beta2, epsilon, weightDecay)
        self.module = module
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func update(_ slot: ParameterSlot) {
        let t = Double(slot.step)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let correction2 = Float((1 - pow(Double(beta2), t)).squareRoot())
        let (b1, b2, wd, eps) = (beta1, beta2, weightDecay, epsilon)
        slot.forEachLanes { p, g, m, v in
            let gi = g + wd * p
            m = b1 * m + (1 - b1) * gi
            v = b2 * v + (1 - b2) * gi * gi
            p -= stepSize * m / (v.squareRoot() / correction2 + eps)
        }
    }
}

/// The hyperparameter ranges shared by Adam and Adamax (those PyTorch enforces).
func validateAdamHyperparameters(_ optimizer: String, _ learningRate: Float, _ beta1: Float, _ beta2: Float,
                                 _ epsilon: Float, _ weightDecay: Float) throws {
    try requireHyperparameter(learningRate >= 0, optimizer, "learningRate must be ≥ 0 (got \(learningRate))")
    try requireHyperparameter((0..<1).contains(beta1) && (0..<1).contains(beta2), optimizer,
                              "beta1 and beta2 must be in [0, 1) (got \(beta1), \(beta2))")
    try requireHyperparameter(epsilon >= 0, optimizer, "epsilon must be ≥ 0 (got \(epsilon))")
    try requireHyperparameter(weightDecay >= 0, optimizer, "weightDecay must be ≥ 0 (got \(weightDecay))")
}
