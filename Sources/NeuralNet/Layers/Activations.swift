import TensorCore

// Elementwise nonlinearities as parameter-free layers, for `Sequential`. Each wraps the
// TensorCore function of the same name; any shape in, the same shape out.

/// `max(x, 0)`.
public final class ReLU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { relu(input) }
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
