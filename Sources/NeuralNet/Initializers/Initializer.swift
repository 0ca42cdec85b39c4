import TensorCore

/// A rule that fills a new tensor of a given shape, drawing every random number from an
/// explicit `RandomStream`, so that one seed reproduces a model bit for bit.
///
/// The built-in rules follow `torch.nn.init`; custom rules wrap any closure:
/// ```swift
/// let init = Initializer(name: "halves") { shape, _ in Tensor.full(shape, 0.5) }
/// let w = try init([4, 3], random: &stream)
/// ```
public struct Initializer: Sendable {
    /// A short description, used in error messages.
    public let name: String
    private let draw: @Sendable (_ shape: [Int], _ random: inout RandomStream) throws -> Tensor

    public init(name: String, _ draw: @escaping @Sendable (_ shape: [Int], _ random: inout RandomStream) throws -> Tensor) {
        self.name = name
        self.draw = draw
    }

    /// A new tensor of `shape`; random rules advance `random`.
    public func callAsFunction(_ shape: [Int], random: inout RandomStream) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape(operation: "Initializer \(name)", shape: shape,
                                           expected: "extents must be non-negative")
        }
        return try draw(shape, &random)
    }
}

extension Initializer {
    /// All zeros (draws nothing).
    public static let zeros = constant(0)

    /// All ones (draws nothing).
    public static let ones = constant(1)

    /// Every scalar equal to `value` (draws nothing).
    public static func constant(_ value: Float) -> Initializer {
        Initializer(name: "constant(\(value))") { shape, _ in Tensor.full(shape, value) }
    }

    /// `U[low, high)`.
    public static func uniform(low: Float, high: Float) -> Initializer {
        Initializer(name: "uniform(\(low), \(high))") { shape, random in
            random.uniform(shape, low: low, high: high)
        }
    }

    /// `N(mean, standardDeviation²)`.
    public static func normal(mean: Float = 0, standardDeviation: Float) -> Initializer {
        Initializer(name: "normal(\(mean), \(standardDeviation))") { shape, random in
            random.normal(shape, mean: mean, standardDeviation: standardDeviation)
        }
    }

    /// Glorot & Bengio (2010), uniform: `U(±gain·√(6 / (fanIn + fanOut)))`.
    public static func xavierUniform(gain: Float = 1) -> Initializer {
        fanScaled(name: "xavierUniform(gain: \(gain))", uniform: true) { fans in
            gain * (2 / Float(fans.fanIn + fans.fanOut)).squareRoot()
        }
    }

    /// Glorot & Bengio (2010), normal: `N(0, gain²·2 / (fanIn + fanOut))`.
    public static func xavierNormal(gain: Float = 1) -> Initializer {
        fanScaled(name: "xavierNormal(gain: \(gain))", uniform: false) { fans in
            gain * (2 / Float(fans.fanIn + fans.fanOut)).squareRoot()
        }
    }

    /// He et al. (2015), uniform: `U(±gain·√(3 / fan))` with the gain of `nonlinearity`.
    public static func kaimingUniform(nonlinearity: Nonlinearity = .relu, mode: FanMode = .fanIn) -> Initializer {
        fanScaled(name: "kaimingUniform(\(nonlinearity), \(mode))", uniform: true) { fans in
            nonlinearity.gain / Float(fans.fan(mode)).squareRoot()
        }
    }

    /// He et al. (2015), normal: `N(0, gain² / fan)` with the gain of `nonlinearity`.
    public static func kaimingNormal(nonlinearity: Nonlinearity = .relu, mode: FanMode = .fanIn) -> Initializer {
        fanScaled(name: "kaimingNormal(\(nonlinearity), \(mode))", uniform: false) { fans in
            nonlinearity.gain / Float(fans.fan(mode)).squareRoot()
        }
    }

    /// PyTorch's default for `Linear` and `Conv*d` weights: `kaiming_uniform_(a: √5)`,
    /// which is `U(±1/√fanIn)`.
    public static let pytorchDefaultWeight = kaimingUniform(nonlinearity: .leakyRelu(slope: Float(5).squareRoot()))

    /// PyTorch's default for `Linear` and `Conv*d` biases: `U(±1/√fanIn)` with the fan-in
    /// of the layer's weight (0 bound when `fanIn` is 0).
    public static func pytorchDefaultBias(fanIn: Int) -> Initializer {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        return uniform(low: -bound, high: bound)
    }

    /// A zero-mean rule whose standard deviation depends on the weight's fans; the
    /// uniform variant uses the bound `√3·std`, which has that standard deviation.
    private static func fanScaled(name: String, uniform: Bool,
                                  standardDeviation: @escaping @Sendable (Fans) -> Float) -> Initializer {
        Initializer(name: name) { shape, random in
            let fans = try Fans(shape: shape)
            guard fans.fanIn > 0, fans.fanOut > 0 else {
                throw TensorError.invalidShape(operation: "Initializer \(name)", shape: shape,
                                               expected: "a weight with zero fan-in or fan-out has no defined scale; give every axis a positive extent")
            }
            let std = standardDeviation(fans)
            if uniform {
                let bound = Float(3).squareRoot() * std
                return random.uniform(shape, low: -bound, high: bound)
            }
            return random.normal(shape, mean: 0, standardDeviation: std)
        }
    }
}
