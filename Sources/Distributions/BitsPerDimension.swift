import Foundation
import TensorCore

/// How continuous data relate to the 8-bit values they came from, so that a density on them
/// reports the discrete-data equivalent (spec §1.8–1.9). Uniformly dequantised pixels
/// y = k + u, u ~ U[0, 1), are rescaled by the data pipeline; a density on the rescaled data
/// is a density on the raw scale divided by the scale factor per dimension.
public enum DataScaling: Equatable, Sendable {
    /// y ∈ [0, 256): the raw dequantised pixels (offset 0 bits).
    case pixels
    /// y = (k + u) / 256 ∈ [0, 1) (offset 8 bits).
    case unit
    /// y = (k + u) / 128 − 1 ∈ [−1, 1) (offset 7 bits).
    case symmetric
    /// A discrete model of the b-level values themselves (offset 0; a uniform model scores log₂ b).
    case levels(Int)

    /// Bits per dimension added to a density's value on this scale to make it the discrete
    /// value on 8-bit data: log₂ of the raw-to-scaled factor.
    public var offsetBits: Double {
        switch self {
        case .pixels, .levels: return 0
        case .unit: return 8
        case .symmetric: return 7
        }
    }
}

/// The one place where nats become bits per dimension (spec §1.9):
/// `BPD = NLL / (D · ln 2) + offset`, D the number of scalars per example, the offset that of
/// the data's scaling. For the logit transform, add its log-Jacobian to the NLL first
/// (`LogitTransform.logJacobian`). Latent-variable models pass a bound (ELBO or IWAE), so
/// their BPD is an upper bound.
public enum BitsPerDimension {
    /// The BPD of a mean negative log-likelihood `nats` per example of `dimensions` scalars.
    public static func from(negativeLogLikelihood nats: Double, dimensions: Int, scaling: DataScaling) throws -> Double {
        guard dimensions > 0, nats.isFinite else {
            throw TensorError.invalidArgument(operation: "BitsPerDimension",
                                              detail: "needs a finite NLL and ≥ 1 dimension, got \(nats), \(dimensions)")
        }
        return nats / (Double(dimensions) * log(2)) + scaling.offsetBits
    }
}

/// Uniform dequantisation of 8-bit pixel values, rescaled: `y = (k + u)·scale + shift`.
public enum Dequantization {
    /// Pixel values `[B, …]` in {0, …, 255} plus U[0, 1) noise from `random`, on `scaling`'s scale.
    public static func uniform(_ pixels: Tensor, scaling: DataScaling, random: inout RandomStream) throws -> Tensor {
        let noisy = try pixels + random.uniform(pixels.shape)
        switch scaling {
        case .pixels: return noisy
        case .unit: return noisy * (1 / 256)
        case .symmetric: return noisy * (1 / 128) - 1
        case .levels:
            throw TensorError.invalidArgument(operation: "Dequantization.uniform",
                                              detail: "discrete models take the levels themselves, not dequantised values")
        }
    }
}

/// Real-NVP's logit transform of data in [0, 1): `y = logit(λ + (1 − 2λ)·x)`, keeping
/// away from 0 and 1.
public struct LogitTransform: Sendable {
    public let lambda: Float

    public init(lambda: Float = 0.05) throws {
        guard lambda > 0, lambda < 0.5 else {
            throw TensorError.invalidArgument(operation: "LogitTransform", detail: "λ = \(lambda) must be in (0, 0.5)")
        }
        self.lambda = lambda
    }

    /// `y` for `x` in [0, 1).
    public func forward(_ x: Tensor) throws -> Tensor {
        let p = lambda + (1 - 2 * lambda) * x
        return try log(p) - log(1 - p)
    }

    /// `ln |dy/dx|` summed over every axis but the first: `[B]`. A density on y gives one on
    /// x as `ln p_x(x) = ln p_y(y) + logJacobian(x)`.
    public func logJacobian(_ x: Tensor) throws -> Tensor {
        let p = lambda + (1 - 2 * lambda) * x
        return try sumOverRows(Float(log(Double(1 - 2 * lambda))) - log(p) - log(1 - p))
    }
}
