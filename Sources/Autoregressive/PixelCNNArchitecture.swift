import NeuralNet
import Training

/// The shape of a PixelCNN++ (Salimans et al. 2017; spec §1.7, §2.4, A3.2): `filters`
/// channels in both causal streams, `resolutions` levels (each after the first at half the
/// resolution of the one before), `resnetBlocks` gated residual blocks per level on the way
/// up (one more on the way down, below the lowest level), a mixture of `components`
/// discretised logistics per pixel, and dropout inside the blocks. PixelCNN++'s CIFAR-10 model
/// is `filters` 160, `resnetBlocks` 5, `resolutions` 3, `components` 10, `dropout` 0.5.
///
/// `weightNormalization` (PixelCNN++'s own choice, the default): every causal convolution, the
/// 1×1 auxiliary and output layers are weight-normalised with data-dependent initialisation
/// from the first training batch (`WeightNormalization.dataDependent`); off, they keep
/// PyTorch's default initialisation.
///
/// A conditional model (AGAVE's decoder) takes an image-shaped input of `conditionChannels`
/// channels at the image's resolution, read by a non-causal stream of `conditionFeatures`
/// channels (`ConditioningStream`).
public struct PixelCNNArchitecture: Codable, Equatable, Sendable {
    public var filters: Int
    public var resnetBlocks: Int
    public var resolutions: Int
    public var components: Int
    public var dropout: Float
    /// Channels of the conditioning input (nil: an unconditional model).
    public var conditionChannels: Int?
    public var conditionFeatures: Int
    public var weightNormalization: Bool

    public init(filters: Int = 160, resnetBlocks: Int = 5, resolutions: Int = 3, components: Int = 10, dropout: Float = 0.5,
                conditionChannels: Int? = nil, conditionFeatures: Int = 32, weightNormalization: Bool = true) {
        self.filters = filters
        self.resnetBlocks = resnetBlocks
        self.resolutions = resolutions
        self.components = components
        self.dropout = dropout
        self.conditionChannels = conditionChannels
        self.conditionFeatures = conditionFeatures
        self.weightNormalization = weightNormalization
    }

    /// How each layer is initialised: PixelCNN++'s data-dependent weight normalisation
    /// (pre-activations of unit standard deviation; the gated blocks scale their gates' own) or none.
    public var layerNormalization: WeightNormalization {
        weightNormalization ? .dataDependent(scale: 1) : .none
    }

    public func validate() throws {
        guard filters >= 1, resnetBlocks >= 0, resolutions >= 1, components >= 1, conditionFeatures >= 1,
              (conditionChannels ?? 1) >= 1 else {
            throw TrainingError.invalidSetting("a PixelCNN++ needs ≥ 1 filter, level, mixture component and conditioning "
                                               + "feature, and ≥ 0 residual blocks (got \(self))")
        }
        guard dropout >= 0, dropout < 1 else {
            throw TrainingError.invalidSetting("PixelCNN++ dropout \(dropout) must be in [0, 1)")
        }
    }
}
