import Foundation
import TensorCore

/// The standard logistic distribution, density `σ(x)(1 − σ(x))`: the prior of NICE and
/// Flow-GAN's MNIST model.
public enum StandardLogistic {
    /// `ln p(x) = −softplus(x) − softplus(−x)` elementwise, summed over every axis but the first: `[B]`.
    public static func logDensity(_ x: Tensor) throws -> Tensor {
        try sumOverRows(-softplus(x) - softplus(-x))
    }

    /// Samples `ln u − ln(1 − u)`, `u ~ U(0, 1)`, shaped `shape`.
    public static func sample(_ shape: [Int], random: inout RandomStream) throws -> Tensor {
        try random.batchUniform(shape, low: 1e-6, high: 1 - 1e-6).map { Foundation.log($0) - Foundation.log(1 - $0) }
    }
}
