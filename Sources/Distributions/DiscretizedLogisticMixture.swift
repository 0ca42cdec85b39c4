import Foundation
import TensorCore

/// PixelCNN++'s output distribution: per pixel a mixture of K discretised logistics over its
/// C channels (1 or 3), the channels autoregressive within a component — green's mean is
/// shifted by α·(red − 127.5), blue's by β·(red − 127.5) + γ·(green − 127.5), with α, β, γ
/// the tanh of free coefficients (PixelCNN++'s parameterisation on the pixel scale).
///
/// Parameters `[B, K·(1 + 2C + C(C−1)/2), H, W]`, in blocks along axis 1: K mixture logits;
/// K·C means (channel-major: index c·K + k); K·C log-scales (same order); for C = 3, 3·K
/// coefficients (α block, β block, γ block). Images `[B, C, H, W]` hold pixel values 0…255.
public struct DiscretizedLogisticMixture: Sendable {
    public let components: Int
    public let channels: Int
    public let logistic: DiscretizedLogistic

    public init(components: Int, channels: Int, levels: Int = 256) throws {
        guard components >= 1, channels == 1 || channels == 3 else {
            throw TensorError.invalidArgument(operation: "DiscretizedLogisticMixture",
                                              detail: "needs ≥ 1 component and 1 or 3 channels, got \(components), \(channels)")
        }
        self.components = components
        self.channels = channels
        logistic = try DiscretizedLogistic(levels: levels)
    }

    /// Parameters per pixel: K·(1 + 2C + C(C−1)/2) (10·K for RGB, as PixelCNN++).
    public var parameterCount: Int { components * (1 + 2 * channels + channels * (channels - 1) / 2) }

    /// `ln p(x)` of each image `[B, C, H, W]`, summed over its pixels: `[B]` (nats).
    public func logLikelihood(of images: Tensor, parameters: Tensor) throws -> Tensor {
        let (logits, means, logScales) = try split(parameters, images: images)
        let x = try images.expandingShape(at: 2)                                  // [B, C, 1, H, W]
        let perChannel = try logistic.logProbability(of: x, mean: means, logScale: logScales)  // [B, C, K, H, W]
        let perComponent = try perChannel.sum(alongAxes: [1]) + logSoftmax(logits, alongAxis: 1)  // [B, K, H, W]
        return try perComponent.logSumExp(alongAxis: 1).sum(alongAxes: [1, 2])
    }

    /// Images `[B, C, H, W]` (pixel values) drawn from the distribution, channel by channel:
    /// a component per pixel, then each channel's logistic quantised to its bin, later
    /// channels conditioned on the drawn values.
    public func sample(parameters: Tensor, random: inout RandomStream) throws -> Tensor {
        let (b, h, w) = (parameters.shape[0], parameters.shape[2], parameters.shape[3])
        let k = components, c = channels
        let p = parameters.scalars
        let plane = h * w
        func value(_ block: Int, _ index: Int, _ pixel: Int, _ image: Int) -> Float {
            p[((image * parameterCount) + block + index) * plane + pixel]
        }
        let width = logistic.binWidth
        var out = [Float](repeating: 0, count: b * c * plane)
        for image in 0..<b {
            for pixel in 0..<plane {
                let logits = (0..<k).map { value(0, $0, pixel, image) }
                let chosen = try random.categorical(weights: softmaxWeights(logits), count: 1)[0]
                var drawn = [Float]()
                for channel in 0..<c {
                    var mean = value(k, channel * k + chosen, pixel, image)
                    if channel > 0 {
                        let block = k + 2 * c * k
                        let coefficients = channel == 1 ? [value(block, chosen, pixel, image)]
                            : [value(block, k + chosen, pixel, image), value(block, 2 * k + chosen, pixel, image)]
                        for (previous, coefficient) in coefficients.enumerated() {
                            mean += Foundation.tanh(coefficient) * (drawn[previous] - 127.5)
                        }
                    }
                    let logScale = Swift.max(value(k + c * k, channel * k + chosen, pixel, image), DiscretizedLogistic.minimumLogScale)
                    let u = Swift.min(Swift.max(random.unitUniform(), 1e-6), 1 - 1e-6)
                    let continuous = mean + Foundation.exp(logScale) * (Foundation.log(u) - Foundation.log(1 - u))
                    let bin = width * Foundation.floor(Swift.min(Swift.max(continuous, 0), 255.999) / width)
                    drawn.append(bin)
                    out[(image * c + channel) * plane + pixel] = bin
                }
            }
        }
        return try Tensor(shape: [b, c, h, w], scalars: out)
    }

    /// Logits `[B, K, H, W]`, and channel-conditioned means and log-scales `[B, C, K, H, W]`.
    private func split(_ parameters: Tensor, images: Tensor) throws -> (Tensor, Tensor, Tensor) {
        guard parameters.rank == 4, images.rank == 4, parameters.shape[1] == parameterCount,
              images.shape == [parameters.shape[0], channels, parameters.shape[2], parameters.shape[3]] else {
            throw TensorError.shapeMismatch(operation: "DiscretizedLogisticMixture", lhs: parameters.shape, rhs: images.shape,
                                            expected: "parameters [B, \(parameterCount), H, W] and images [B, \(channels), H, W]")
        }
        let (b, h, w) = (parameters.shape[0], parameters.shape[2], parameters.shape[3])
        let k = components, c = channels
        let logits = try parameters.narrowed(axis: 1, start: 0, length: k)
        let rawMeans = try parameters.narrowed(axis: 1, start: k, length: c * k).reshaped([b, c, k, h, w])
        let logScales = try parameters.narrowed(axis: 1, start: k + c * k, length: c * k).reshaped([b, c, k, h, w])
        guard c == 3 else { return (logits, rawMeans, logScales) }
        let coefficients = try tanh(parameters.narrowed(axis: 1, start: k + 2 * c * k, length: 3 * k))
            .reshaped([b, 3, k, h, w])
        func coefficient(_ i: Int) throws -> Tensor { try coefficients.narrowed(axis: 1, start: i, length: 1).squeezed(at: 1) }
        func mean(_ i: Int) throws -> Tensor { try rawMeans.narrowed(axis: 1, start: i, length: 1).squeezed(at: 1) }
        func centred(_ i: Int) throws -> Tensor { try images.narrowed(axis: 1, start: i, length: 1) - 127.5 }  // [B, 1, H, W]
        let red = try mean(0)
        let green = try mean(1) + coefficient(0) * centred(0)
        let blue = try mean(2) + coefficient(1) * centred(0) + coefficient(2) * centred(1)
        return (logits, try Tensor.stack([red, green, blue], axis: 1), logScales)
    }
}

/// `softmax(logits)` in Float64, for drawing a component.
private func softmaxWeights(_ logits: [Float]) -> [Float] {
    let top = logits.max() ?? 0
    let weights = logits.map { Foundation.exp(Double($0 - top)) }
    let total = weights.reduce(0, +)
    return weights.map { Float($0 / total) }
}
