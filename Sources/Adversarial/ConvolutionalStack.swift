import EquivariantLayer
import NeuralNet
import TensorCore

/// The standard (non-residual) CNN of Miyato et al. 2018 that chapter 4 reuses for images
/// (spec §3.5): a generator `[B, latent] -> [B, 3, M, M]` in tanh range and a discriminator
/// `[B, 3, M, M] -> [B, 1]` logits, for M = 32 (base map M_g = 4), 48 (M_g = 6) and 64 (one
/// more block in both networks, A4.10). `widthMultiplier` scales every channel count, so the
/// same code runs small on CPU and at full width (1) elsewhere.
public struct ConvolutionalGANShape: Equatable, Sendable {
    public var imageSize: Int
    public var channels = 3
    public var latentSize = 128
    public var widthMultiplier: Double = 1

    public init(imageSize: Int, widthMultiplier: Double = 1) throws {
        guard [32, 48, 64].contains(imageSize) else {
            throw TensorError.invalidArgument(operation: "ConvolutionalGANShape",
                                              detail: "image size \(imageSize) is not one of 32, 48, 64 (the sizes of spec §3.5)")
        }
        guard widthMultiplier > 0 else {
            throw TensorError.invalidArgument(operation: "ConvolutionalGANShape", detail: "widthMultiplier must be positive")
        }
        self.imageSize = imageSize
        self.widthMultiplier = widthMultiplier
    }

    /// Channels `c` at full width, scaled (at least 1).
    func width(_ c: Int) -> Int { scaledChannels(c, by: widthMultiplier) }
    /// Stride-2 stages: 3 for 32 and 48, 4 for 64.
    var stages: Int { imageSize == 64 ? 4 : 3 }
    /// The generator's first feature map, M / 2^stages.
    var baseSize: Int { imageSize >> stages }
}

/// `channels` × `multiplier`, rounded, at least 1: every width-scaled stack's channel counts.
func scaledChannels(_ channels: Int, by multiplier: Double) -> Int {
    max(1, Int((Double(channels) * multiplier).rounded()))
}

/// How the discriminator is built (issue 6); each method names its form in its catalogue entry.
public enum ConvolutionalDiscriminatorForm: String, CaseIterable, Sendable {
    /// Plain convolutions: the GAN, GP and WGAN-GP baselines.
    case perSample = "per-sample"
    /// Every convolution and the dense layer spectrally normalised (SN-GAN).
    case spectralNorm = "spectral-norm"
    /// A minibatch-discrimination layer before the dense output (Salimans et al.).
    case minibatchDiscrimination = "minibatch-discrimination"
    /// Every convolution an `EquivariantConv2D` (Eq. 4.12, §4.4.3), per-sample outputs for
    /// BGAN (averaged by the loss, Eq. 4.13) or M-BGAN (Eq. 4.14).
    case equivariant
}

extension ConvolutionalGANShape {
    /// Dense → `[512, M_g, M_g]` with batch norm and ReLU, then a 4×4 stride-2 transposed
    /// convolution with batch norm and ReLU per stage (halving the channels: 256, 128, 64, 32),
    /// then a 3×3 convolution to the image channels and tanh.
    public func makeGenerator(random: inout RandomStream) throws -> Sequential {
        var channels = width(512)
        var layers: [any Layer] = [
            try Linear(inputFeatures: latentSize, outputFeatures: channels * baseSize * baseSize, random: &random),
            Unflatten([channels, baseSize, baseSize]), try BatchNorm(channels: channels), ReLU(),
        ]
        for stage in 0..<stages {
            let next = width(256 >> stage)
            layers += [try ConvTranspose2D(inputChannels: channels, outputChannels: next, kernelSize: 4, stride: 2,
                                           padding: 1, random: &random),
                       try BatchNorm(channels: next), ReLU()]
            channels = next
        }
        layers += [try Conv2D(inputChannels: channels, outputChannels: self.channels, kernelSize: 3, padding: 1,
                              random: &random), Tanh()]
        return Sequential(layers)
    }

    /// The convolutions of the discriminator as (in, out, kernel, stride): 3×3 stride 1 and
    /// 4×4 stride 2 pairs at 64, 128, 256 (and 512 for 64×64 images), then a 3×3 to 512.
    var discriminatorConvolutions: [(Int, Int, Int, Int)] {
        var result: [(Int, Int, Int, Int)] = []
        var input = channels
        for stage in 0..<stages {
            let c = width(64 << stage)
            result += [(input, c, 3, 1), (c, c, 4, 2)]
            input = c
        }
        result.append((input, width(512), 3, 1))
        return result
    }

    /// The discriminator in `form`: the convolutions with leaky ReLU (slope 0.1), flattened,
    /// then a dense layer to one logit per sample — or to `outputs` features (a hybrid's
    /// encoder: the mean and log standard deviation of q(z|x)).
    public func makeDiscriminator(_ form: ConvolutionalDiscriminatorForm, outputs: Int = 1,
                                  random: inout RandomStream) throws -> Sequential {
        var layers: [any Layer] = []
        for (input, output, kernel, stride) in discriminatorConvolutions {
            switch form {
            case .equivariant:
                layers.append(EquivariantConv2D(inputChannels: input, outputChannels: output, kernelSize: kernel,
                                                stride: stride, padding: 1, random: &random))
            case .spectralNorm:
                layers.append(try SpectralNorm(Conv2D(inputChannels: input, outputChannels: output, kernelSize: kernel,
                                                      stride: stride, padding: 1, random: &random), random: &random))
            case .perSample, .minibatchDiscrimination:
                layers.append(try Conv2D(inputChannels: input, outputChannels: output, kernelSize: kernel, stride: stride,
                                         padding: 1, random: &random))
            }
            layers.append(LeakyReLU(slope: 0.1))
        }
        layers.append(Flatten())
        var features = width(512) * baseSize * baseSize
        if form == .minibatchDiscrimination {
            let layer = try MinibatchDiscrimination(inputFeatures: features, random: &random)
            layers.append(layer)
            features += layer.kernels
        }
        let dense = try Linear(inputFeatures: features, outputFeatures: outputs, random: &random)
        layers.append(form == .spectralNorm ? try SpectralNorm(dense, random: &random) : dense)
        return Sequential(layers)
    }
}
