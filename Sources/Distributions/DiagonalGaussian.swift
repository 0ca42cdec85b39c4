import Foundation
import TensorCore

/// A Gaussian with diagonal covariance, `N(μ, diag(σ²))` with `σ = exp(logStd)`, over every
/// axis but the first: `mean` and `logStd` are `[B, …]` (or broadcast to it), one
/// distribution per row.
public struct DiagonalGaussian {
    public let mean: Tensor
    public let logStd: Tensor

    public init(mean: Tensor, logStd: Tensor) throws {
        guard mean.rank >= 1 else {
            throw TensorError.invalidShape(operation: "DiagonalGaussian", shape: mean.shape, expected: "mean [B, …]")
        }
        _ = try Shape.broadcast(mean.shape, logStd.shape, operation: "DiagonalGaussian")
        self.mean = mean
        self.logStd = logStd
    }

    /// The standard normal `N(0, I)` of rows shaped like `shape`.
    public static func standard(_ shape: [Int]) throws -> DiagonalGaussian {
        try DiagonalGaussian(mean: .zeros(shape), logStd: .zeros(shape))
    }

    /// `ln N(x; μ, σ²)` summed over every axis but the first: `[B]`.
    public func logDensity(_ x: Tensor) throws -> Tensor {
        try sumOverRows(logDensityPerElement(x))
    }

    /// `ln N(x_i; μ_i, σ_i²)` of each coordinate, not summed: `[B, …]`.
    public func logDensityPerElement(_ x: Tensor) throws -> Tensor {
        let standardized = try (x - mean) * exp(-logStd)
        return try -0.5 * square(standardized) - logStd - Float(0.5 * log(2 * Double.pi))
    }

    /// A reparameterised sample `μ + σ ⊙ ε`, `ε ~ N(0, I)` from `random`: gradients reach μ and σ.
    /// Axis 0 is the batch (`RandomStream.batchNormal`: a data-parallel shard's rows of the
    /// global batch's ε).
    public func sample(random: inout RandomStream) throws -> Tensor {
        let shape = try Shape.broadcast(mean.shape, logStd.shape, operation: "DiagonalGaussian.sample")
        return try mean + exp(logStd) * random.batchNormal(shape)
    }

    /// `KL(self ‖ other)` in closed form, summed over every axis but the first: `[B]`:
    /// `Σ ln σ₂ − ln σ₁ + (σ₁² + (μ₁ − μ₂)²) / (2σ₂²) − ½`. Against `N(0, I)` this is
    /// `½ Σ (μ² + σ² − ln σ² − 1)` (spec §1.1; the thesis' printed formula is wrong).
    public func kl(to other: DiagonalGaussian) throws -> Tensor {
        try sumOverRows(klPerElement(to: other))
    }

    /// `KL(self ‖ other)` of each coordinate, not summed: `[B, …]` (what free bits clamp).
    public func klPerElement(to other: DiagonalGaussian) throws -> Tensor {
        let varianceRatio = try exp(2 * (logStd - other.logStd))
        let meanTerm = try square((mean - other.mean) * exp(-other.logStd))
        return try other.logStd - logStd + 0.5 * (varianceRatio + meanTerm) - 0.5
    }
}

/// Sums every axis but the first: `[B, …] -> [B]` (a per-row log density or KL from its
/// per-coordinate terms).
public func sumOverRows(_ tensor: Tensor) throws -> Tensor {
    tensor.rank == 1 ? tensor : try tensor.sum(alongAxes: Array(1..<tensor.rank))
}
