import TensorCore

/// Fan-in and fan-out of a weight tensor, computed as PyTorch's
/// `torch.nn.init._calculate_fan_in_and_fan_out` does: for a weight of shape
/// `[d0, d1, k…]`, `fanIn = d1 · ∏k` and `fanOut = d0 · ∏k`.
///
/// The rule is positional, so for a transposed convolution (weight `[C_in, C_out, kh, kw]`)
/// `fanIn` is `C_out · kh · kw`, exactly as in PyTorch.
public struct Fans: Equatable, Sendable {
    public var fanIn: Int
    public var fanOut: Int

    public init(fanIn: Int, fanOut: Int) {
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    /// The fans of a weight of shape `shape` (rank ≥ 2).
    public init(shape: [Int]) throws {
        guard shape.count >= 2 else {
            throw TensorError.invalidShape(operation: "Fans(shape:)", shape: shape,
                                           expected: "fan-in and fan-out need a weight with at least 2 axes; use a uniform, normal or constant initialiser for vectors")
        }
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        self.init(fanIn: shape[1] * receptiveField, fanOut: shape[0] * receptiveField)
    }

    /// The fan selected by `mode`.
    public func fan(_ mode: FanMode) -> Int { mode == .fanIn ? fanIn : fanOut }
}

/// Which fan He/Kaiming initialisation preserves: the variance of activations in the
/// forward pass (`fanIn`) or of gradients in the backward pass (`fanOut`).
public enum FanMode: Sendable {
    case fanIn, fanOut
}

/// The nonlinearity that follows a layer, which sets the recommended gain of its
/// initialisation (PyTorch's `torch.nn.init.calculate_gain`).
public enum Nonlinearity: Equatable, Sendable {
    /// Identity, or a convolution/linear map with no nonlinearity: gain 1.
    case linear
    /// Gain 1.
    case sigmoid
    /// Gain 5/3.
    case tanh
    /// Gain √2 (He et al. 2015).
    case relu
    /// Gain √(2 / (1 + slope²)).
    case leakyRelu(slope: Float)

    public var gain: Float {
        switch self {
        case .linear, .sigmoid: return 1
        case .tanh: return 5.0 / 3.0
        case .relu: return Float(2).squareRoot()
        case let .leakyRelu(slope): return (2 / (1 + slope * slope)).squareRoot()
        }
    }
}
