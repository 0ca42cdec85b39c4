import NeuralNet
import TensorCore

/// The residual discriminator of chapter 5's refinements ("rd" in Table 5.2; Table A.1, in the
/// style of Gulrajani et al. 2017): a 3×3 convolution to 16 channels, a residual block to 32
/// channels at full resolution, three residual blocks to 64, 128 and 256 channels that each
/// halve the resolution, then ReLU, the sum over positions and a dense layer to one logit.
///
/// Shape: `[B, C, S, S] -> [B, 1]` logits, S divisible by 8. `widthMultiplier` scales every
/// channel count (at least 1 each), so the same stack runs small on CPU and at Table A.1's width.
public final class ResidualDiscriminator: Module, Layer {
    public let input: Conv2D
    public let blocks: [DiscriminatorResidualBlock]
    public let output: Linear

    /// Table A.1's channels after the input convolution, and which blocks halve the resolution.
    public static let blockChannels = [32, 64, 128, 256]
    public static let blockDownsamples = [false, true, true, true]

    public init(imageChannels: Int, widthMultiplier: Double = 1, random: inout RandomStream) throws {
        guard imageChannels > 0, widthMultiplier > 0, widthMultiplier.isFinite else {
            throw TensorError.invalidArgument(operation: "ResidualDiscriminator",
                                              detail: "image channels and the width multiplier must be positive (got \(imageChannels), \(widthMultiplier))")
        }
        func width(_ c: Int) -> Int { scaledChannels(c, by: widthMultiplier) }
        var channels = width(16)
        input = try Conv2D(inputChannels: imageChannels, outputChannels: channels, kernelSize: 3, padding: 1, random: &random)
        var blocks: [DiscriminatorResidualBlock] = []
        for (next, downsample) in zip(Self.blockChannels, Self.blockDownsamples) {
            blocks.append(try DiscriminatorResidualBlock(inputChannels: channels, outputChannels: width(next),
                                                         downsample: downsample, random: &random))
            channels = width(next)
        }
        self.blocks = blocks
        output = try Linear(inputFeatures: channels, outputFeatures: 1, random: &random)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == input.inputChannels, x.shape[2] % 8 == 0, x.shape[3] % 8 == 0 else {
            throw TensorError.invalidShape(operation: "ResidualDiscriminator", shape: x.shape,
                                           expected: "[B, \(input.inputChannels), H, W] with H and W divisible by 8")
        }
        var h = try input(x)
        for block in blocks { h = try block(h) }
        return try output(relu(h).sum(alongAxes: [2, 3]))
    }
}

/// One pre-activation residual block of the discriminator:
/// `pool(conv₂(ReLU(conv₁(ReLU(x))))) + pool(shortcut(x))` with 3×3 convolutions, a 1×1
/// shortcut convolution when the channels change or the block downsamples (the identity
/// otherwise), and `pool` a 2×2 average pooling in a downsampling block.
///
/// Shape: `[B, inputChannels, H, W] -> [B, outputChannels, H/2, W/2]` (or `H, W` without downsampling).
public final class DiscriminatorResidualBlock: Module, Layer {
    public let first: Conv2D
    public let second: Conv2D
    public let shortcut: Conv2D?
    public let downsample: Bool

    public init(inputChannels: Int, outputChannels: Int, downsample: Bool, random: inout RandomStream) throws {
        first = try Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 3, padding: 1, random: &random)
        second = try Conv2D(inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3, padding: 1, random: &random)
        shortcut = inputChannels != outputChannels || downsample
            ? try Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1, random: &random) : nil
        self.downsample = downsample
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var main = try second(relu(first(relu(x))))
        var skip = try shortcut.map { try $0(x) } ?? x
        if downsample {
            let halving = ConvGeometry(kernel: 2, stride: 2)
            main = try avgPool2d(main, geometry: halving)
            skip = try avgPool2d(skip, geometry: halving)
        }
        return try main + skip
    }
}
