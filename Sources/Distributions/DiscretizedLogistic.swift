import Foundation
import TensorCore

/// The discretised logistic likelihood of 8-bit data in the numerically safe form of
/// PixelCNN++ (spec §1.8, thesis Eq. 3.17), for data on `levels` colour levels.
///
/// Pixel values live on the scale [0, 256): pixel k is the bin [k, k + 1). With b levels,
/// the bin width is c = 256 / b and pixel k belongs to the bin [ℓ, ℓ + c), ℓ = c·⌊k / c⌋
/// (b = 256: one bin per value). A logistic with mean μ and scale s (both on the pixel scale)
/// gives the bin the mass `σ((ℓ + c − μ)/s) − σ((ℓ − μ)/s)`; the first bin extends to −∞
/// and the last to +∞, so the masses of the b bins sum to one. The log-scale is bounded below
/// (`minimumLogScale`, PixelCNN++'s −7 on its [−1, 1] scale), and where a bin's mass
/// underflows (< 10⁻⁵) its log-mass is the log-density at the bin's centre plus ln c.
public struct DiscretizedLogistic: Sendable {
    /// b, a divisor of 256.
    public let levels: Int
    /// The smallest log-scale used, on the pixel scale: ln(127.5) − 7.
    public static let minimumLogScale = Float(log(127.5) - 7)

    public init(levels: Int = 256) throws {
        guard levels >= 2, 256 % levels == 0 else {
            throw TensorError.invalidArgument(operation: "DiscretizedLogistic",
                                              detail: "levels = \(levels) must divide 256 and be at least 2")
        }
        self.levels = levels
    }

    /// The bin width c = 256 / b.
    public var binWidth: Float { Float(256 / levels) }

    /// `ln P(x)` for every element: `x` holds pixel values in {0, …, 255} (any shape), `mean`
    /// and `logScale` broadcast to it. Differentiable in `mean` and `logScale`.
    public func logProbability(of x: Tensor, mean: Tensor, logScale: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(Shape.broadcast(x.shape, mean.shape, operation: "DiscretizedLogistic"),
                                        logScale.shape, operation: "DiscretizedLogistic")
        let pixels = try x.broadcast(to: shape)
        let width = binWidth
        let lower = pixels.map { width * Foundation.floor(Swift.min(Swift.max($0, 0), 255) / width) }
        let isFirst = lower.map { $0 == 0 ? 1 : 0 }
        let isLast = lower.map { $0 + width >= 256 ? 1 : 0 }
        let bounded = clamp(logScale, min: Self.minimumLogScale, max: .greatestFiniteMagnitude)
        let inverseScale = exp(-bounded)
        let above = try (lower + width - mean) * inverseScale
        let below = try (lower - mean) * inverseScale
        let logFirst = logSigmoid(above)                 // ln σ(u⁺): the bin (−∞, c)
        let logLast = -softplus(below)                   // ln(1 − σ(u⁻)): the bin [256 − c, ∞)
        let mass = try sigmoid(above) - sigmoid(below)
        let centre = try (lower + width / 2 - mean) * inverseScale
        let logDensityAtCentre = try centre - bounded - 2 * softplus(centre) + Float(log(Double(width)))
        let resolved = mass.map { $0 > 1e-5 ? 1 : 0 }
        let logMiddle = try resolved * log(clamp(mass, min: 1e-12, max: 1)) + (1 - resolved) * logDensityAtCentre
        return try isFirst * logFirst + isLast * logLast + (1 - isFirst - isLast) * logMiddle
    }
}
