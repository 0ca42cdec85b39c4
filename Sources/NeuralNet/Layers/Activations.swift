import TensorCore

// Elementwise nonlinearities as parameter-free layers, for `Sequential`. Each wraps the
// TensorCore function of the same name; any shape in, the same shape out.

/// An activation layer that the layer before it in a `Sequential` (or `EquivariantNetwork`) can
/// apply inside its own op when that layer is `ActivationFusing`: a convolution's post-op, or a
/// linear layer's pass over its output (`affine(…, activation:)`).
public protocol FusableActivation: Layer {
    /// The activation as a convolution can apply it, or nil when it cannot.
    var fusedForm: ConvolutionActivation? { get }
}

/// A layer that can apply a following activation inside its own op; the result equals the
/// layer followed by `activation(·)`.
public protocol ActivationFusing: Layer {
    func callAsFunction(_ input: Tensor, activation: ConvolutionActivation) throws -> Tensor
}

/// `max(x, 0)`.
public final class ReLU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { relu(input) }
}

extension ReLU: FusableActivation {
    public var fusedForm: ConvolutionActivation? { .relu }
}

/// `x` for positive inputs, `slope·x` otherwise (PyTorch's default slope 0.01).
public final class LeakyReLU: Module, Layer {
    public let slope: Float
    public init(slope: Float = 0.01) {
        self.slope = slope
        super.init()
    }
    public func callAsFunction(_ input: Tensor) -> Tensor { leakyRelu(input, slope: slope) }
}

extension LeakyReLU: FusableActivation {
    /// Fusable for slopes ≥ 0 (the output then has the input's sign, which the gradient reads).
    public var fusedForm: ConvolutionActivation? { slope >= 0 ? .leakyRelu(slope: slope) : nil }
}

/// `tanh(x)`.
public final class Tanh: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { tanh(input) }
}

/// `1 / (1 + exp(−x))`.
public final class Sigmoid: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { sigmoid(input) }
}

/// `log(1 + exp(x))`.
public final class Softplus: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { softplus(input) }
}

/// ELU: `x` for positive inputs, `eˣ − 1` otherwise.
public final class ELU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { elu(input) }
}

extension ELU: FusableActivation {
    public var fusedForm: ConvolutionActivation? { .elu }
}
