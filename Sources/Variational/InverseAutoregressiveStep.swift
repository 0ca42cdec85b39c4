import NeuralNet
import TensorCore
import Training

/// One step of inverse autoregressive flow on a posterior draw (Kingma et al. 2016; spec §1.4,
/// Eq. T 2.60 in the gated form of the IAF paper): from `z₀ ~ N(μ, σ²)` `[B, Z, h, w]` and a
/// context `c` `[B, C, h, w]` computed from the image,
///
///     [m, s̃] = AR(z₀, c),   s = sigmoid(s̃ + forgetBias),   z₁ = s ⊙ z₀ + (1 − s) ⊙ m,
///
/// where AR is a stack of weight-normalised `AutoregressiveConv2D`s (ELU between them) in which
/// coordinate i of m and s̃ depends on the coordinates of z₀ before i only (positions in raster
/// order, then channels). ∂z₁/∂z₀ is triangular with diagonal s, so
/// `ln q(z₁ | x) = ln N(z₀; μ, σ²) − Σ ln s`. The last layer starts at zero gain: m = 0 and
/// s = sigmoid(forgetBias) ≈ 0.88 at initialisation, a near-identity step.
public final class InverseAutoregressiveStep: Module {
    public let latentChannels: Int
    public let contextChannels: Int
    /// Added to s̃ (IAF's forget-gate bias): the step starts close to the identity.
    public let forgetBias: Float
    let input: WeightNorm<AutoregressiveConv2D>
    let context: WeightNorm<Conv2D>
    let hidden: WeightNorm<AutoregressiveConv2D>
    let output: WeightNorm<AutoregressiveConv2D>

    public init(latentChannels: Int, contextChannels: Int, hiddenChannels: Int, forgetBias: Float = 2,
                random: inout RandomStream) throws {
        guard latentChannels >= 1, contextChannels >= 1, hiddenChannels >= latentChannels else {
            throw TrainingError.invalidSetting(
                "an IAF step needs ≥ 1 latent and context channel and at least as many hidden channels as latent "
                    + "ones (got \(latentChannels), \(contextChannels), \(hiddenChannels))")
        }
        let latent = Array(0..<latentChannels)
        let hiddenDegrees = AutoregressiveConv2D.hiddenDegrees(count: hiddenChannels, slots: latentChannels)
        self.latentChannels = latentChannels
        self.contextChannels = contextChannels
        self.forgetBias = forgetBias
        input = try WeightNorm(AutoregressiveConv2D(inputDegrees: latent, outputDegrees: hiddenDegrees, strict: true,
                                                    random: &random))
        context = try WeightNorm(Conv2D(inputChannels: contextChannels, outputChannels: hiddenChannels, kernelSize: 3,
                                        padding: 1, bias: false, random: &random))
        hidden = try WeightNorm(AutoregressiveConv2D(inputDegrees: hiddenDegrees, outputDegrees: hiddenDegrees,
                                                     strict: false, random: &random))
        output = try WeightNorm(AutoregressiveConv2D(inputDegrees: hiddenDegrees, outputDegrees: latent + latent,
                                                     strict: false, random: &random), initialGain: 0)
        super.init()
    }

    /// `z₁` `[B, Z, h, w]` and `ln s`, the log-diagonal of ∂z₁/∂z₀ per coordinate `[B, Z, h, w]`.
    public func callAsFunction(_ z: Tensor, context c: Tensor) throws -> (sample: Tensor, logDiagonal: Tensor) {
        guard z.rank == 4, z.shape[1] == latentChannels, c.rank == 4, c.shape[1] == contextChannels,
              c.shape[0] == z.shape[0], Array(c.shape[2...]) == Array(z.shape[2...]) else {
            throw TensorError.shapeMismatch(operation: "InverseAutoregressiveStep", lhs: z.shape, rhs: c.shape,
                                            expected: "z [B, \(latentChannels), h, w] and a context [B, \(contextChannels), h, w]")
        }
        let first = try elu(input(z) + context(c))
        let parameters = try output(elu(hidden(first)))
        let m = try parameters.narrowed(axis: 1, start: 0, length: latentChannels)
        let gate = try parameters.narrowed(axis: 1, start: latentChannels, length: latentChannels) + forgetBias
        let s = sigmoid(gate)
        return (try s * z + (1 - s) * m, logSigmoid(gate))
    }
}
