import NeuralNet
import TensorCore

/// The convolutional permutation-equivariant layer of §4.4.3 (before μ):
///
///     φ(x)_b = bias + conv_Λ̃(x_b) + conv_Γ̃(ρ(x)),   Λ̃ = B/(B+1) Λ,  Γ̃ = 1/(B+1) Γ
///
/// Shape: `[B, C, H, W] -> [B, C', H', W']`. Λ convolves each sample; Γ convolves the
/// batch-mean feature map ρ(x) (`[1, C, H, W]`) once, and its response is added to every
/// sample. Both kernels share the kernel size, stride and padding, so the 4×4 stride-2
/// layers of the SNGAN discriminator become equivariant too (spec ambiguity A4.4).
/// Weights are `[C', C, kh, kw]` like `Conv2D`.
public final class EquivariantConv2D: Module, Layer {
    /// Λ, the per-sample kernel, `[C', C, kh, kw]`.
    @Parameter public var lambda: Tensor
    /// Γ, the kernel applied to the batch-mean feature map; absent in the ablation.
    public let gamma: Parameter?
    /// `[C']`.
    @Parameter public var bias: Tensor
    public let geometry: ConvGeometry
    public let weighting: BatchMixingWeights
    public let inputChannels: Int
    public let outputChannels: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                batchMixing: Bool = true, weighting: BatchMixingWeights = .reweighted,
                random: inout RandomStream) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.geometry = ConvGeometry(kernel: kernelSize, stride: stride, padding: padding)
        self.weighting = weighting
        let shape = [outputChannels, inputChannels, kernelSize, kernelSize]
        let fanIn = inputChannels * kernelSize * kernelSize
        _lambda = Parameter(wrappedValue: uniformFanIn(shape, fanIn: fanIn, random: &random))
        gamma = batchMixing ? Parameter(wrappedValue: uniformFanIn(shape, fanIn: fanIn, random: &random)) : nil
        _bias = Parameter(wrappedValue: uniformFanIn([outputChannels], fanIn: fanIn, random: &random))
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try callAsFunction(x, validMask: nil)
    }

    /// `[B, C, H, W] -> [B, C', H', W']`; ρ runs over the samples marked 1 in `validMask`.
    public func callAsFunction(_ x: Tensor, validMask: Tensor?) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == inputChannels else {
            throw TensorError.shapeMismatch(operation: "EquivariantConv2D", lhs: x.shape, rhs: [-1, inputChannels, -1, -1],
                                            expected: "input must be [B, \(inputChannels), H, W]")
        }
        let lambda = self.lambda, bias = self.bias, geometry = self.geometry
        return try equivariantResponse(
            x, validMask: validMask, weighting: weighting,
            perSample: { input, scale in try conv2d(input, weight: lambda * scale, bias: bias, geometry: geometry) },
            batchMixing: gamma.map { gamma in
                { average, scale in try conv2d(average, weight: gamma.wrappedValue * scale, geometry: geometry) }
            })
    }
}
