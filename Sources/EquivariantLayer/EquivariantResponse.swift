import TensorCore

/// The pre-activation of Eq. 4.12 for the convolutional layer (`EquivariantDense` folds
/// the batch term into its bias instead):
/// `β + x_b Λ̃ + ρ(x) Γ̃`, where `perSample` applies Λ (and the bias β) to every sample
/// and `batchMixing` applies Γ to the batch average ρ(x) (Eq. 4.11), whose result
/// broadcasts over the batch. Each closure receives the multiplier of its kernel.
///
/// Without `batchMixing` (the Deep-Sets-style ablation) no re-weighting is applied.
func equivariantResponse(_ x: Tensor, validMask: Tensor?, weighting: BatchMixingWeights,
                         perSample: (_ input: Tensor, _ scale: Float) throws -> Tensor,
                         batchMixing: ((_ average: Tensor, _ scale: Float) throws -> Tensor)?) throws -> Tensor {
    guard let batchMixing else { return try perSample(x, 1) }
    let valid = try ValidSamples(validMask, batchSize: batchSize(of: x, operation: "equivariant layer"))
    let (lambdaScale, gammaScale) = weighting.multipliers(batchSize: valid.count)
    return try perSample(x, lambdaScale) + batchMixing(valid.average(of: x), gammaScale)
}

/// Uniform initialisation `U(−1/√fanIn, 1/√fanIn)` (PyTorch's default for linear and
/// convolution weights and biases).
func uniformFanIn(_ shape: [Int], fanIn: Int, random: inout RandomStream) -> Tensor {
    let bound = 1 / Float(max(fanIn, 1)).squareRoot()
    return random.uniform(shape, low: -bound, high: bound)
}
