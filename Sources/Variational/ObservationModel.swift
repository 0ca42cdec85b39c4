import Distributions
import NeuralNet
import TensorCore

/// The decoder's likelihood `ln p(x | z)` given the decoder's output, one value per row.
public protocol ObservationModel: Module {
    /// `ln p(x | decoded)` summed over every axis but the first: `[B]`.
    func logLikelihood(of x: Tensor, decoded: Tensor) throws -> Tensor
    /// The most likely reconstruction from the decoder's output (for samples and figures).
    func mean(of decoded: Tensor) throws -> Tensor
}

/// A factorised Gaussian `N(x; decoded, σ²I)` with one learned isotropic log σ (spec §1.1).
public final class GaussianObservation: Module, ObservationModel {
    @Parameter public var logSigma: Tensor

    public init(logSigma: Float = 0) {
        self.logSigma = Tensor(logSigma)
        super.init()
    }

    public func logLikelihood(of x: Tensor, decoded: Tensor) throws -> Tensor {
        try DiagonalGaussian(mean: decoded, logStd: logSigma).logDensity(x)
    }

    public func mean(of decoded: Tensor) throws -> Tensor { decoded }
}

/// A factorised discretised logistic on 8-bit pixels `[B, C, H, W]` (values 0…255): the
/// decoder's output is the logistic means on the pixel scale, with one learned log-scale per
/// channel shared by every pixel (thesis Eq. 3.17), on `levels` colour levels.
public final class DiscretizedLogisticObservation: Module, ObservationModel {
    @Parameter public var logScale: Tensor
    public let logistic: DiscretizedLogistic

    public init(channels: Int, levels: Int = 256, logScale: Float = 2) throws {
        logistic = try DiscretizedLogistic(levels: levels)
        self.logScale = Tensor(repeating: logScale, shape: [1, channels, 1, 1])
        super.init()
    }

    public func logLikelihood(of x: Tensor, decoded: Tensor) throws -> Tensor {
        let perPixel = try logistic.logProbability(of: x, mean: decoded, logScale: logScale)
        return try perPixel.sum(alongAxes: Array(1..<perPixel.rank))
    }

    public func mean(of decoded: Tensor) throws -> Tensor { clamp(decoded, min: 0, max: 255) }
}
