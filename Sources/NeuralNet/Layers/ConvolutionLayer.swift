import TensorCore

/// A 2-D convolution layer as a network holds it: the plain layer (`Conv2D`,
/// `ConvTranspose2D`) or a reparametrisation of one (`WeightNorm<Conv2D>`), so that a network
/// can choose weight normalisation per layer without a type of its own for each choice.
/// Shapes: `[B, inputChannels, H, W] -> [B, outputChannels, H', W']` by `geometry`.
public protocol ConvolutionLayer: Layer {
    var inputChannels: Int { get }
    var outputChannels: Int { get }
    var geometry: ConvGeometry { get }
}

extension Conv2D: ConvolutionLayer {}
extension ConvTranspose2D: ConvolutionLayer {}

extension WeightNorm: ConvolutionLayer where Wrapped: ConvolutionLayer {
    public var inputChannels: Int { layer.inputChannels }
    public var outputChannels: Int { layer.outputChannels }
    public var geometry: ConvGeometry { layer.geometry }
}

/// How a network initialises a layer it may weight-normalise.
public enum WeightNormalization: Equatable, Sendable {
    /// The plain layer, as initialised.
    case none
    /// `WeightNorm` whose gain and bias are set from the first batch the layer sees
    /// (Salimans & Kingma 2016, §3.1): pre-activations of standard deviation `scale` and mean
    /// 0 per output feature on that batch.
    case dataDependent(scale: Float)

    /// `layer` as this choice holds it.
    public func apply<Wrapped: WeightNormalizable & ConvolutionLayer>(to layer: Wrapped) throws -> any ConvolutionLayer {
        switch self {
        case .none: return layer
        case let .dataDependent(scale): return try WeightNorm(layer, dataInitializationScale: scale)
        }
    }
}
