import Foundation
import Testing
import TensorCore
@testable import NeuralNet

/// Per-channel mean and biased variance of `[B, C, …]`, computed naively in Double.
private func channelStatistics(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
    let (b, c) = (x.shape[0], x.shape[1])
    let inner = x.count / (b * c)
    let xs = x.scalars
    var means = [Double](), variances = [Double]()
    for channel in 0..<c {
        var values = [Double]()
        for n in 0..<b { for i in 0..<inner { values.append(Double(xs[(n * c + channel) * inner + i])) } }
        let mean = values.reduce(0, +) / Double(values.count)
        means.append(mean)
        variances.append(values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
    }
    return (means, variances)
}

@Suite struct LayerNormalizationTests {
    @Test func batchNormTrainingStepByHand() throws {
        // Channel 0 holds {1, 3}: mean 2, biased variance 1, unbiased 2.
        // Channel 1 holds {2, 6}: mean 4, biased variance 4, unbiased 8.
        let layer = try BatchNorm(channels: 2)
        let y = try layer(Tensor(shape: [2, 2], scalars: [1, 2, 3, 6]))
        let (s0, s1) = (1 / Float(1 + 1e-5).squareRoot(), 2 / Float(4 + 1e-5).squareRoot())
        expectClose(y.scalars, [-s0, -s1, s0, s1])
        // r ← 0.9·r + 0.1·s, with r starting at mean 0 and variance 1.
        expectClose(layer.runningMean.scalars, [0.2, 0.4])
        expectClose(layer.runningVariance.scalars, [0.9 + 0.2, 0.9 + 0.8])
        _ = try layer(Tensor(shape: [2, 2], scalars: [1, 2, 3, 6]))
        expectClose(layer.runningMean.scalars, [0.9 * 0.2 + 0.2, 0.9 * 0.4 + 0.4])
        expectClose(layer.runningVariance.scalars, [0.9 * 1.1 + 0.2, 0.9 * 1.7 + 0.8])
    }

    @Test func batchNormImagesNormaliseEachChannelOverBatchAndSpace() throws {
        var random = RandomStream(seed: 20)
        let layer = try BatchNorm(channels: 3, momentum: 0.25)
        let gamma = Tensor([2, -1, 0.5]), beta = Tensor([0.5, 1, -3])
        try setParameter(layer, "weight", gamma)
        try setParameter(layer, "bias", beta)
        let x = try random.normal([4, 3, 2, 5]) * Tensor(shape: [1, 3, 1, 1], scalars: [1, 3, 0.5]) + 7
        let (mean, variance) = channelStatistics(x)
        let y = try layer(x)
        // Undo the affine map: (y − β)/γ must have per-channel mean 0 and variance var/(var + ε).
        let normalized = try (y - beta.reshaped([1, 3, 1, 1])) / gamma.reshaped([1, 3, 1, 1])
        let (outMean, outVariance) = channelStatistics(normalized)
        for channel in 0..<3 {
            #expect(Swift.abs(outMean[channel]) < 1e-5)
            #expect(Swift.abs(outVariance[channel] - variance[channel] / (variance[channel] + 1e-5)) < 1e-4)
        }
        let n = Double(4 * 2 * 5)
        expectClose(layer.runningMean.scalars, mean.map { Float(0.25 * $0) }, tolerance: 1e-4)
        expectClose(layer.runningVariance.scalars, variance.map { Float(0.75 + 0.25 * $0 * n / (n - 1)) }, tolerance: 1e-4)
    }

    @Test func batchNormEvaluationUsesRunningStatisticsAndLeavesThemAlone() throws {
        var random = RandomStream(seed: 21)
        let layer = try BatchNorm(channels: 2)
        for _ in 0..<3 { _ = try layer(random.normal([8, 2, 3, 3]) * 2 + 1) }
        let (mean, variance) = (layer.runningMean.scalars, layer.runningVariance.scalars)
        try setParameter(layer, "weight", Tensor([1.5, -2]))
        try setParameter(layer, "bias", Tensor([0.25, 3]))
        layer.eval()
        let x = random.normal([1, 2, 2, 2])
        let y = try layer(x)
        let xs = x.scalars
        let expected = xs.indices.map { i -> Float in
            let c = i / 4
            return (xs[i] - mean[c]) / (variance[c] + 1e-5).squareRoot() * [1.5, -2][c] + [0.25, 3][c]
        }
        expectClose(y.scalars, expected)
        #expect(layer.runningMean.scalars == mean)
        #expect(layer.runningVariance.scalars == variance)
        // A batch of one is fine in evaluation mode, an error in training mode.
        layer.train()
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([1, 2])) }
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([4, 3])) }
    }

    @Test func batchNormWithoutAffineHasOnlyBuffers() throws {
        let layer = try BatchNorm(channels: 4, affine: false)
        #expect(layer.namedParameters.isEmpty)
        #expect(layer.namedBuffers.map(\.path) == ["runningMean", "runningVariance"])
    }

    @Test func layerNormNormalisesTrailingAxesPerSample() throws {
        var random = RandomStream(seed: 22)
        let layer = try LayerNorm(normalizedShape: [3, 4])
        let x = random.normal([2, 5, 3, 4]) * 3 + 2
        let y = try layer(x)
        #expect(y.shape == x.shape)
        let rows = try y.reshaped([10, 12]).scalars
        for r in 0..<10 {
            let values = rows[(r * 12)..<(r * 12 + 12)].map(Double.init)
            let mean = values.reduce(0, +) / 12
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12
            #expect(Swift.abs(mean) < 1e-5)
            #expect(Swift.abs(variance - 1) < 1e-3)
        }
        // The affine map is applied elementwise over the normalised shape.
        let gamma = random.normal([3, 4]), beta = random.normal([3, 4])
        try setParameter(layer, "weight", gamma)
        try setParameter(layer, "bias", beta)
        expectClose(try layer(x).scalars, try (y * gamma + beta).scalars)
        // Evaluation mode changes nothing.
        layer.eval()
        expectClose(try layer(x).scalars, try (y * gamma + beta).scalars)
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([2, 4, 3])) }
    }

    @Test func layerNormByHand() throws {
        // [1, 2, 3]: mean 2, biased variance 2/3.
        let y = try LayerNorm(features: 3)(Tensor(shape: [1, 3], scalars: [1, 2, 3]))
        let s = 1 / Float(2.0 / 3.0 + 1e-5).squareRoot()
        expectClose(y.scalars, [-s, 0, s])
    }
}
