import TensorCore

/// The nonlinearities a config can name (`relu`, `leaky_relu`, `tanh`, `elu`).
public enum ActivationKind: String, Codable, CaseIterable, Sendable {
    case relu
    /// Slope 0.2 for negative inputs (the GAN literature's choice, not PyTorch's 0.01).
    case leakyRelu = "leaky_relu"
    case tanh
    case elu

    public func makeLayer() -> any Layer {
        switch self {
        case .relu: return ReLU()
        case .leakyRelu: return LeakyReLU(slope: 0.2)
        case .tanh: return Tanh()
        case .elu: return ELU()
        }
    }
}

/// What each hidden layer of a perceptron is: an affine map, optional batch norm and an
/// activation — or, with `maxoutPieces` > 1, maxout units (which are their own
/// nonlinearity) followed by the optional batch norm. With `spectralNorm` every affine map
/// (the output layer's too) is spectrally normalised, so the network is 1-Lipschitz for
/// 1-Lipschitz activations (the hybrids' critic); it takes no maxout or batch norm.
public struct HiddenUnits: Equatable, Sendable {
    public var activation: ActivationKind = .relu
    public var batchNorm = false
    /// 1: ordinary units; k ≥ 2: maxout units with k pieces each.
    public var maxoutPieces = 1
    public var spectralNorm = false

    public init(activation: ActivationKind = .relu, batchNorm: Bool = false, maxoutPieces: Int = 1,
                spectralNorm: Bool = false) {
        self.activation = activation
        self.batchNorm = batchNorm
        self.maxoutPieces = maxoutPieces
        self.spectralNorm = spectralNorm
    }

    /// One hidden layer `[N, inputSize] -> [N, width]`.
    public func makeLayer(inputSize: Int, width: Int, random: inout RandomStream) throws -> [any Layer] {
        guard maxoutPieces >= 1 else {
            throw TensorError.invalidArgument(operation: "HiddenUnits", detail: "maxoutPieces must be ≥ 1 (got \(maxoutPieces))")
        }
        guard !spectralNorm || (maxoutPieces == 1 && !batchNorm) else {
            throw TensorError.invalidArgument(operation: "HiddenUnits",
                                              detail: "spectrally normalised units take no maxout or batch norm (they would "
                                                  + "break the Lipschitz bound); set maxout_pieces = 1 and batch norm off")
        }
        if maxoutPieces > 1 {
            let maxout = try Maxout(inputFeatures: inputSize, outputFeatures: width, pieces: maxoutPieces, random: &random)
            return batchNorm ? [maxout, try BatchNorm(channels: width)] : [maxout]
        }
        let affine = try affine(inputSize: inputSize, outputSize: width, random: &random)
        return batchNorm ? [affine, try BatchNorm(channels: width), activation.makeLayer()] : [affine, activation.makeLayer()]
    }

    /// The affine map `[N, inputSize] -> [N, outputSize]`: a `Linear`, spectrally normalised
    /// with `spectralNorm` (its weight drawn first, then the power-iteration vectors).
    public func affine(inputSize: Int, outputSize: Int, random: inout RandomStream) throws -> any Layer {
        let linear = try Linear(inputFeatures: inputSize, outputFeatures: outputSize, random: &random)
        return spectralNorm ? try SpectralNorm(linear, random: &random) : linear
    }
}
