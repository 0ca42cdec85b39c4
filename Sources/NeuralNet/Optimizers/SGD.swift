import TensorCore

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight
/// decay, exactly as PyTorch's `torch.optim.SGD`:
///
///     g ← ∇ + λ·θ
///     b ← g on the first step, else μ·b + (1 − dampening)·g      (state "momentum_buffer")
///     g ← g + μ·b (Nesterov) or b
///     θ ← θ − lr·g
///
/// Without momentum (μ = 0) there is no state and `θ ← θ − lr·(∇ + λ·θ)`.
public final class SGD: ElementwiseOptimizer {
    public let module: Module
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public let store = OptimizerStateStore()
    public var name: String { "SGD" }
    public var stateNames: [String] { momentum != 0 ? ["momentum_buffer"] : [] }

    public init(for module: Module, learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) throws {
        try requireHyperparameter(learningRate >= 0, "SGD", "learningRate must be ≥ 0 (got \(learningRate))")
        try requireHyperparameter(momentum >= 0, "SGD", "momentum must be ≥ 0 (got \(momentum))")
        try requireHyperparameter(weightDecay >= 0, "SGD", "weightDecay must be ≥ 0 (got \(weightDecay))")
        try requireHyperparameter(!nesterov || (momentum > 0 && dampening == 0), "SGD",
                                  "Nesterov momentum needs momentum > 0 and dampening 0")
        self.module = module
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func update(_ slot: ParameterSlot) -> Int? {
        let (lr, wd, mu, damp) = (learningRate, weightDecay, momentum, 1 - dampening)
        guard mu != 0 else {
            slot.forEachLanes { p, g, _, _ in p -= lr * (g + wd * p) }
            return nil
        }
        let (fresh, nesterov) = (slot.isFreshState, nesterov)
        slot.forEachLanes { p, g, buffer, _ in
            let gi = g + wd * p
            buffer = fresh ? gi : mu * buffer + damp * gi
            p -= lr * (nesterov ? gi + mu * buffer : buffer)
        }
        return nil
    }
}
