import NeuralNet
import TensorCore

/// An invertible map of rows `[B, …]` with a tractable Jacobian (spec §1.3): the building
/// block of NICE and Real-NVP. `forward` returns `y = f(x)` and `ln |det ∂f(x)/∂x|` per row
/// `[B]`; `inverse` is exact, `inverse(forward(x).output) == x` up to rounding.
public protocol Bijection: Module {
    func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor)
    func inverse(_ y: Tensor) throws -> Tensor
}

/// Bijections applied in order; the log-determinants add up.
public final class BijectionSequence: Module, Bijection {
    public let steps: [any Bijection]

    public init(_ steps: [any Bijection]) {
        self.steps = steps
        super.init()
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        var output = x
        var total = Tensor.zeros([x.shape[0]])
        for step in steps {
            let (y, logDeterminant) = try step.forward(output)
            output = y
            total = try total + logDeterminant
        }
        return (output, total)
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        try steps.reversed().reduce(y) { try $1.inverse($0) }
    }
}
