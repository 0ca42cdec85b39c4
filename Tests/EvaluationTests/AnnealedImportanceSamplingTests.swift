import Foundation
import Testing
import TensorCore
@testable import Evaluation

/// AIS against a model whose likelihood is known in closed form: a linear generator
/// G(z) = Az + b with z ~ N(0, I₂) and Gaussian observation noise σ, so that
/// p(x) = N(x; b, AAᵀ + σ²I₃).
@Suite struct AnnealedImportanceSamplingTests {
    let a: [[Double]] = [[1.5, -0.5], [0.3, 2.0], [-1.0, 0.7]]
    let b: [Double] = [0.2, -0.4, 1.0]
    let sigma = 0.5

    private var decoder: GaussianDecoder {
        let weight = try! Tensor(shape: [2, 3], scalars: (0..<2).flatMap { j in (0..<3).map { i in Float(a[i][j]) } })
        let bias = try! Tensor(shape: [1, 3], scalars: b.map(Float.init))
        return GaussianDecoder(latentDimension: 2, noise: sigma,
                               samplePrior: { count, random in random.normal([count, 2]) },
                               logPrior: { z in try (square(z).sum(alongAxes: [1]) * -0.5) - Float(log(2 * Double.pi)) },
                               generate: { z in try z.matmul(weight) + bias })
    }

    /// ln N(x; b, Σ) with Σ = AAᵀ + σ²I, by Cholesky.
    private func exactLogDensity(_ x: [Double]) -> Double {
        let sigmaMatrix = (0..<3).map { i in (0..<3).map { j in (0..<2).reduce(0.0) { $0 + a[i][$1] * a[j][$1] } + (i == j ? sigma * sigma : 0) } }
        var l = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0...i {
                let s = sigmaMatrix[i][j] - (0..<j).reduce(0.0) { $0 + l[i][$1] * l[j][$1] }
                l[i][j] = i == j ? s.squareRoot() : s / l[j][j]
            }
        }
        var y = [Double](repeating: 0, count: 3)  // L y = x − b
        for i in 0..<3 { y[i] = (x[i] - b[i] - (0..<i).reduce(0.0) { $0 + l[i][$1] * y[$1] }) / l[i][i] }
        let logDeterminant = 2 * (0..<3).reduce(0.0) { $0 + log(l[$1][$1]) }
        return -0.5 * y.reduce(0) { $0 + $1 * $1 } - 0.5 * logDeterminant - 1.5 * log(2 * Double.pi)
    }

    /// With 500 steps and 96 chains the log-estimate's spread here is about 0.03 nats (its
    /// early steps, where the prior is far from the posterior, dominate the variance).
    @Test func estimatesTheExactLikelihoodOfALinearGaussianModel() throws {
        var random = RandomStream(seed: 21)
        let points: [[Double]] = [[0.2, -0.4, 1.0], [1.9, 1.2, 0.1], [-1.0, -2.5, 2.2]]
        let images = try Tensor(shape: [3, 3], scalars: points.flatMap { $0.map(Float.init) })
        let ais = AnnealedImportanceSampling(steps: 500, chains: 96, leapfrogSteps: 5, initialStepSize: 0.1)
        let (values, acceptance) = try ais.logLikelihood(of: images, model: decoder, random: &random)
        let exact = points.map(exactLogDensity)
        for (estimate, truth) in zip(values, exact) { #expect(Swift.abs(estimate - truth) < 0.12, "\(estimate) vs \(truth)") }
        #expect(Swift.abs(zip(values, exact).reduce(0) { $0 + $1.0 - $1.1 }) / 3 < 0.06)
        #expect(acceptance > 0.3 && acceptance < 0.99, "\(acceptance)")

        // A short path is a looser stochastic lower bound (Jensen): below the exact value on average.
        var short = RandomStream(seed: 22)
        let crude = try AnnealedImportanceSampling(steps: 2, chains: 2, leapfrogSteps: 1).logLikelihood(of: images, model: decoder,
                                                                                                     random: &short).values
        #expect(crude.reduce(0, +) < exact.reduce(0, +) - 0.5, "\(crude) vs \(exact)")
    }

    @Test func theScheduleRunsFromZeroToOneAndBadSettingsAreRefused() throws {
        let schedule = AnnealedImportanceSampling(steps: 50).schedule
        #expect(schedule.count == 51 && schedule.first == 0 && Swift.abs(schedule.last! - 1) < 1e-12)
        #expect(zip(schedule, schedule.dropFirst()).allSatisfy { $0 < $1 })
        var random = RandomStream(seed: 1)
        #expect(throws: EvaluationError.self) {
            try AnnealedImportanceSampling(steps: 0).logLikelihood(of: .zeros([1, 3]), model: decoder, random: &random)
        }
        var noiseless = decoder
        noiseless.noise = 0
        #expect(throws: EvaluationError.self) {
            try AnnealedImportanceSampling().logLikelihood(of: .zeros([1, 3]), model: noiseless, random: &random)
        }
    }
}
