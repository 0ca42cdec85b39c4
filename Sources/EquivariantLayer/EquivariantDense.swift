import NeuralNet
import TensorCore

/// The dense permutation-equivariant layer of Eq. 4.12 (before the non-linearity μ):
///
///     φ(x)_b = β + x_b Λ̃ + ρ(x) Γ̃,   Λ̃ = B/(B+1) Λ,  Γ̃ = 1/(B+1) Γ   (§4.4.3)
///
/// Shape: `[B, l] -> [B, L]`. Permuting the samples of the batch permutes the output
/// rows identically; ρ (Eq. 4.11) is the only interaction between samples. Weights are
/// stored `[L, l]` like `Linear`. Apply μ with a pointwise layer (ReLU, LeakyReLU, …).
public final class EquivariantDense: Module, Layer {
    /// Λ, the per-sample ("non-batch-mixing") kernel, `[L, l]`.
    @Parameter public var lambda: Tensor
    /// Γ, the batch-mixing kernel acting on ρ(x), `[L, l]`; absent in the ablation.
    public let gamma: Parameter?
    /// β, `[L]`.
    @Parameter public var bias: Tensor
    public let weighting: BatchMixingWeights
    public let inputSize: Int
    public let outputSize: Int

    /// - Parameters:
    ///   - batchMixing: `false` drops Γ (Deep-Sets-style ablation: samples interact only
    ///     through a final reduction).
    ///   - random: source of the initial weights, `U(±1/√l)` as PyTorch's `Linear`.
    public init(inputSize: Int, outputSize: Int, batchMixing: Bool = true,
                weighting: BatchMixingWeights = .reweighted, random: inout RandomStream) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.weighting = weighting
        _lambda = Parameter(wrappedValue: uniformFanIn([outputSize, inputSize], fanIn: inputSize, random: &random))
        gamma = batchMixing
            ? Parameter(wrappedValue: uniformFanIn([outputSize, inputSize], fanIn: inputSize, random: &random))
            : nil
        _bias = Parameter(wrappedValue: uniformFanIn([outputSize], fanIn: inputSize, random: &random))
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try callAsFunction(x, validMask: nil)
    }

    /// `[B, l] -> [B, L]`; ρ runs over the samples marked 1 in `validMask` (`[B]`).
    public func callAsFunction(_ x: Tensor, validMask: Tensor?) throws -> Tensor {
        try callAsFunction(x, validMask: validMask, activation: nil)
    }

    /// `μ(φ(x))` with μ = `activation` applied inside the per-sample product's op
    /// (`affine(…, activation:)`): the values of the layer followed by μ, one op fewer.
    public func callAsFunction(_ x: Tensor, validMask: Tensor?, activation: ConvolutionActivation?) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == inputSize else {
            throw TensorError.shapeMismatch(operation: "EquivariantDense", lhs: x.shape, rhs: [-1, inputSize],
                                            expected: "input must be [B, \(inputSize)]")
        }
        guard let gamma else { return try affine(x, weight: lambda, bias: bias, activation: activation) }
        let valid = try ValidSamples(validMask, batchSize: batchSize(of: x, operation: "EquivariantDense"))
        let (lambdaScale, gammaScale) = weighting.multipliers(batchSize: valid.count)
        // β + ρ(x) Γ̃ is the same for every sample: it becomes the bias of the per-sample
        // product, so the batch-mixing term costs one [1, l]·[l, L] product and no
        // [B, L] broadcast; the multipliers are GEMM's α, never scaled weight copies.
        let shared = try affine(valid.average(of: x), weight: gamma.wrappedValue, bias: bias, scale: gammaScale)
        return try affine(x, weight: lambda, bias: shared.reshaped([outputSize]), scale: lambdaScale,
                          activation: activation)
    }
}

extension EquivariantDense: ActivationFusing {
    public func callAsFunction(_ x: Tensor, activation: ConvolutionActivation) throws -> Tensor {
        try callAsFunction(x, validMask: nil, activation: activation)
    }
}
