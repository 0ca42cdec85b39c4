import NeuralNet
import TensorCore

/// A bijection run backwards: `forward` is the wrapped inverse (its log-determinant the
/// negated one of the wrapped forward at the result), `inverse` the wrapped forward. Real-NVP
/// uses it to undo a squeeze at the end of a scale, so that every scale maps `[B, C, H, W]`
/// to the same shape: ln |det ∂f⁻¹(x)/∂x| = −ln |det ∂f(y)/∂y| at y = f⁻¹(x).
public final class Inverted: Module, Bijection {
    public let wrapped: any Bijection

    public init(_ wrapped: any Bijection) {
        self.wrapped = wrapped
        super.init()
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        try wrapped.inverseWithLogDeterminant(x)
    }

    public func inverse(_ y: Tensor) throws -> Tensor { try wrapped.forward(y).output }
}

/// Real-NVP's factor-out (spec §1.3): of `[B, C, H, W]` the first half of the channels goes
/// straight to the prior (unchanged), the second half through `rest` (the next scales), and
/// the two halves are put back together in the same channel order, so the output has the
/// input's shape and the prior covers every variable. ln |det J| is that of `rest`.
public final class FactorOut: Module, Bijection {
    public let rest: any Bijection

    public init(rest: any Bijection) {
        self.rest = rest
        super.init()
    }

    private func halves(_ x: Tensor, _ operation: String) throws -> (Tensor, Tensor) {
        guard x.rank == 4, x.shape[1] % 2 == 0 else {
            throw TensorError.invalidShape(operation: operation, shape: x.shape, expected: "[B, C, H, W] with an even C")
        }
        let half = x.shape[1] / 2
        return (try x.narrowed(axis: 1, start: 0, length: half), try x.narrowed(axis: 1, start: half, length: half))
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let (kept, passed) = try halves(x, "FactorOut")
        let (y, logDeterminant) = try rest.forward(passed)
        return (try Tensor.concatenate([kept, y], axis: 1), logDeterminant)
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        let (kept, passed) = try halves(y, "FactorOut.inverse")
        return try Tensor.concatenate([kept, rest.inverse(passed)], axis: 1)
    }
}
