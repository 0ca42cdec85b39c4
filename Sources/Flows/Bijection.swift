import NeuralNet
import TensorCore

/// An invertible map of rows `[B, …]` with a tractable Jacobian (spec §1.3): the building
/// block of NICE and Real-NVP. `forward` returns `y = f(x)` and `ln |det ∂f(x)/∂x|` per row
/// `[B]`; `inverse` is exact, `inverse(forward(x).output) == x` up to rounding.
public protocol Bijection: Module {
    func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor)
    func inverse(_ y: Tensor) throws -> Tensor
    /// `x = f⁻¹(y)` and `ln |det ∂f⁻¹(y)/∂y|` per row `[B]` (what `Inverted` runs forward). By
    /// default through `forward` at `x`: `−ln |det ∂f(x)/∂x|`; a bijection whose determinant is
    /// known without it (a permutation) says so and saves the pass.
    func inverseWithLogDeterminant(_ y: Tensor) throws -> (output: Tensor, logDeterminant: Tensor)
}

extension Bijection {
    public func inverseWithLogDeterminant(_ y: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let x = try inverse(y)
        return (x, try 0 - forward(x).logDeterminant)
    }
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
