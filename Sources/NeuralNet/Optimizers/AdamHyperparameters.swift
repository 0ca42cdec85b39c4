/// The moment-decay rates, ε and L2 weight decay shared by Adam and Adamax, validated
/// on the ranges PyTorch enforces.
public struct AdamHyperparameters: Equatable, Sendable {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float

    /// Throws `OptimizerError.invalidHyperparameter` naming `optimizer` and the bad value.
    public init(optimizer: String, learningRate: Float, beta1: Float, beta2: Float,
                epsilon: Float, weightDecay: Float) throws {
        try requireHyperparameter(learningRate >= 0, optimizer, "learningRate must be ≥ 0 (got \(learningRate))")
        try requireHyperparameter((0..<1).contains(beta1) && (0..<1).contains(beta2), optimizer,
                                  "beta1 and beta2 must be in [0, 1) (got \(beta1), \(beta2))")
        try requireHyperparameter(epsilon >= 0, optimizer, "epsilon must be ≥ 0 (got \(epsilon))")
        try requireHyperparameter(weightDecay >= 0, optimizer, "weightDecay must be ≥ 0 (got \(weightDecay))")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}
