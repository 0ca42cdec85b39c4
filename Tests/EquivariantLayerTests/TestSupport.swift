import NeuralNet
import TensorCore
import Testing

/// Rows of `x` reordered: row i of the result is row `order[i]` of `x`.
func permuteRows(_ x: Tensor, _ order: [Int]) throws -> Tensor {
    try x.detached.indexSelect(order, axis: 0)
}

/// Largest absolute difference between two equally shaped tensors.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
}

/// Largest absolute value, at least 1: the scale for float-rounding tolerances.
func magnitude(_ a: Tensor) -> Float {
    Swift.max(1, a.scalars.map { Swift.abs($0) }.max() ?? 0)
}

/// A pointwise non-linearity for the networks under test.
final class TestLeakyReLU: Module, Layer {
    func callAsFunction(_ input: Tensor) throws -> Tensor { leakyRelu(input, slope: 0.2) }
}

/// Central finite differences of the scalar `f` at `x`, compared with `analytic`.
/// Returns the largest relative error (relative to max(1, |gradient|)).
func finiteDifferenceError(at x: Tensor, analytic: Tensor, epsilon: Float = 1e-2,
                           _ f: (Tensor) throws -> Tensor) throws -> Float {
    var worst: Float = 0
    let base = x.detached.scalars
    for i in base.indices {
        var plus = base, minus = base
        plus[i] += epsilon
        minus[i] -= epsilon
        let fp = Double(try f(Tensor(shape: x.shape, scalars: plus)).scalar)
        let fm = Double(try f(Tensor(shape: x.shape, scalars: minus)).scalar)
        let numeric = Float((fp - fm) / (2 * Double(epsilon)))
        let error = Swift.abs(numeric - analytic.scalars[i]) / Swift.max(1, Swift.abs(numeric))
        worst = Swift.max(worst, error)
    }
    return worst
}
