import NeuralNet
import TensorCore

/// Real-NVP's coupling network (Dinh et al. 2017, spec §4.5): a residual convolutional
/// network `[B, inputChannels, H, W] -> [B, outputChannels, H, W]` with weight-normalised
/// 3×3 convolutions — an input convolution to `features` channels, `blocks` residual blocks
/// `h + conv(ReLU(conv(ReLU(h))))`, and a ReLU and an output convolution whose gain and bias
/// start at 0, so that a coupling layer built on it starts as the identity.
public final class ResidualNetwork: Module, Layer {
    public let input: WeightNorm<Conv2D>
    public let blocks: [ResidualBlock]
    public let output: WeightNorm<Conv2D>

    public init(inputChannels: Int, outputChannels: Int, features: Int, blocks: Int,
                random: inout RandomStream) throws {
        guard inputChannels > 0, outputChannels > 0, features > 0, blocks >= 0 else {
            throw TensorError.invalidArgument(operation: "ResidualNetwork",
                                              detail: "channels and features must be positive and blocks ≥ 0 (got \(inputChannels), \(outputChannels), \(features), \(blocks))")
        }
        input = try WeightNorm(convolution(inputChannels, features, random: &random))
        self.blocks = try (0..<blocks).map { _ in try ResidualBlock(features: features, random: &random) }
        output = try WeightNorm(convolution(features, outputChannels, bias: .zeros, random: &random), initialGain: 0)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try input(x)
        for block in blocks { h = try block(h) }
        return try output(relu(h))
    }
}

/// `h + conv(ReLU(conv(ReLU(h))))` with weight-normalised 3×3 convolutions, `[B, F, H, W]`.
public final class ResidualBlock: Module, Layer {
    public let first: WeightNorm<Conv2D>
    public let second: WeightNorm<Conv2D>

    public init(features: Int, random: inout RandomStream) throws {
        first = try WeightNorm(convolution(features, features, random: &random))
        second = try WeightNorm(convolution(features, features, random: &random))
        super.init()
    }

    public func callAsFunction(_ h: Tensor) throws -> Tensor {
        try h + second(relu(first(relu(h))))
    }
}

/// A 3×3 convolution that keeps the spatial size.
private func convolution(_ inputs: Int, _ outputs: Int, bias: Initializer? = nil,
                         random: inout RandomStream) throws -> Conv2D {
    try Conv2D(inputChannels: inputs, outputChannels: outputs, kernelSize: 3, padding: 1, biasInitializer: bias, random: &random)
}
