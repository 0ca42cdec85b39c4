import TensorCore

/// A convolution whose outputs depend on its inputs in one fixed autoregressive order (IAF's
/// `ARMultiConv2d`, Kingma et al. 2016; MADE's degrees, Germain et al. 2015), so that a stack of
/// them has a triangular Jacobian. The order runs over positions in raster order (row by row,
/// left to right) and, at one position, over the `slots` degrees 0 … slots − 1 of the latent
/// channels.
///
/// Every input and output channel carries a degree (`inputDegrees`, `outputDegrees`, each in
/// `0..<slots`). Output channel `o` at position p sees every input channel at positions before
/// p, and at p only the input channels `i` with `degree(i) < degree(o)` (`strict`, a stack's
/// first layer) or `≤` (the layers after it); positions after p are never seen. The weight
/// `[outputs, inputs, k, k]` (odd k, "same" padding) is multiplied by that 0/1 mask in every
/// forward pass, and starts with its masked entries at zero, so the ones a weight-normalised
/// direction leaves out of the product also stay out of its norm.
///
/// Shapes: `[B, inputs, H, W] -> [B, outputs, H, W]`.
public final class AutoregressiveConv2D: Module, Layer {
    /// `[outputs, inputs, k, k]`.
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    /// The 0/1 mask of the weight's shape.
    public let mask: Tensor
    public let geometry: ConvGeometry

    public init(inputDegrees: [Int], outputDegrees: [Int], strict: Bool, kernelSize: Int = 3,
                random: inout RandomStream) throws {
        guard kernelSize >= 1, kernelSize % 2 == 1, !inputDegrees.isEmpty, !outputDegrees.isEmpty else {
            throw TensorError.invalidArgument(
                operation: "AutoregressiveConv2D",
                detail: "an odd kernel size and at least one input and output channel (got \(kernelSize), "
                    + "\(inputDegrees.count) → \(outputDegrees.count))")
        }
        let shape = [outputDegrees.count, inputDegrees.count, kernelSize, kernelSize]
        mask = Self.mask(inputDegrees: inputDegrees, outputDegrees: outputDegrees, strict: strict, kernelSize: kernelSize)
        let (initial, bias) = try initialConvolutionParameters(
            shape: shape, outputAxis: 0, bias: true, weightInitializer: .pytorchDefaultWeight, biasInitializer: nil,
            random: &random, operation: "AutoregressiveConv2D")
        weight = try initial * mask
        self.bias = bias!
        geometry = ConvGeometry(kernel: kernelSize, stride: 1, padding: kernelSize / 2)
        super.init()
    }

    /// Degrees for `count` hidden channels over `slots` latent channels: contiguous blocks,
    /// channel j gets `⌊j · slots / count⌋` (every degree appears when count ≥ slots).
    public static func hiddenDegrees(count: Int, slots: Int) -> [Int] {
        (0..<count).map { $0 * slots / count }
    }

    /// The mask `[outputs, inputs, k, k]` described on the type.
    static func mask(inputDegrees: [Int], outputDegrees: [Int], strict: Bool, kernelSize k: Int) -> Tensor {
        let (outputs, inputs, centre) = (outputDegrees.count, inputDegrees.count, k / 2)
        return Tensor(shape: [outputs, inputs, k, k]) { out, _ in
            for o in 0..<outputs {
                for i in 0..<inputs {
                    let sameAllowed = strict ? inputDegrees[i] < outputDegrees[o] : inputDegrees[i] <= outputDegrees[o]
                    for y in 0..<k {
                        for x in 0..<k {
                            let before = y < centre || (y == centre && x < centre)
                            let atCentre = y == centre && x == centre
                            out[((o * inputs + i) * k + y) * k + x] = before || (atCentre && sameAllowed) ? 1 : 0
                        }
                    }
                }
            }
        }
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try callAsFunction(input, weight: weight)
    }
}

extension AutoregressiveConv2D: WeightNormalizable, ConvolutionLayer {
    public static var weightOutputAxis: Int { 0 }
    public var biasParameter: Parameter? { _bias }
    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

    /// The convolution with `weight ⊙ mask`.
    public func callAsFunction(_ input: Tensor, weight: Tensor) throws -> Tensor {
        guard input.rank == 4, input.shape[1] == inputChannels else {
            throw TensorError.shapeMismatch(operation: "AutoregressiveConv2D(\(inputChannels) → \(outputChannels))",
                                            lhs: input.shape, rhs: weight.shape,
                                            expected: "the input must be [B, \(inputChannels), H, W]")
        }
        return try conv2d(input, weight: weight * mask, bias: bias, geometry: geometry)
    }
}
