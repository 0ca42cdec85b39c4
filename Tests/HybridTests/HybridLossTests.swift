import Foundation
import Testing
import TensorCore
@testable import Hybrid
import NeuralNet
import Training

@Suite struct HybridLossTests {
    /// The best-of-T term is the maximum of the T per-sample log-likelihoods, and its
    /// gradient reaches only the best sample's reconstruction.
    @Test func bestOfManyIsTheMaximumAndOnlyTheBestSampleGetsGradient() throws {
        var random = RandomStream(seed: 11)
        let x = random.normal([3, 2]), reconstructions = random.normal([3, 4, 2]).requiringGradient()
        let perSample = try HybridLosses.reconstructionLogLikelihood(x, reconstructions, kind: .l1)
        let best = try HybridLosses.aggregate(perSample, .best)
        let xs = x.scalars, rs = reconstructions.scalars
        var winners: [Int] = []
        for b in 0..<3 {
            let values = (0..<4).map { t in -(0..<2).reduce(Float(0)) { $0 + Swift.abs(rs[(b * 4 + t) * 2 + $1] - xs[b * 2 + $1]) } }
            for t in 0..<4 { #expect(Swift.abs(perSample.scalars[b * 4 + t] - values[t]) < 1e-5) }
            #expect(best.scalars[b] == values.max()!)
            winners.append(values.indices.max { values[$0] < values[$1] }!)
        }
        let gradient = try gradients(of: best.sum(), wrt: [reconstructions])[0].scalars
        for b in 0..<3 {
            for t in 0..<4 {
                let row = gradient[((b * 4 + t) * 2)..<((b * 4 + t) * 2 + 2)]
                if t == winners[b] {
                    // d/dx̂ of −|x − x̂| is sign(x − x̂).
                    #expect(zip(row, 0..<2).allSatisfy { value, d in
                        value == (xs[b * 2 + d] > rs[(b * 4 + t) * 2 + d] ? 1 : -1)
                    })
                } else {
                    #expect(row.allSatisfy { $0 == 0 })
                }
            }
        }
        // The mean spreads the gradient over every sample, 1/T each.
        let mean = try HybridLosses.aggregate(perSample, .mean)
        let meanGradient = try gradients(of: mean.sum(), wrt: [reconstructions])[0].scalars
        #expect(meanGradient.allSatisfy { Swift.abs(Swift.abs($0) - 0.25) < 1e-6 })
    }

    /// V16: max_t a_t − ln T ≤ ln((1/T) Σ_t e^{a_t}) ≤ max_t a_t, on spread and tied values.
    @Test func maxBoundsTheLogMeanExpWithinLogT() throws {
        var random = RandomStream(seed: 2)
        for (rows, t, scale) in [(50, 10, Float(5)), (20, 3, 0.01), (5, 64, 30)] {
            let values = random.normal([rows, t]) * scale
            let maximum = try HybridLosses.aggregate(values, .best).scalars
            let logMeanExp = try (values.logSumExp(alongAxis: 1) - Float(Foundation.log(Double(t)))).scalars
            for (m, l) in zip(maximum, logMeanExp) {
                #expect(m - Float(Foundation.log(Double(t))) <= l + 1e-4 && l <= m + 1e-4)
            }
        }
        // Equality at the ends: T equal values (upper) and one dominant value (lower).
        let tied = try Tensor(shape: [1, 4], scalars: [2, 2, 2, 2])
        #expect(try Swift.abs((tied.logSumExp(alongAxis: 1) - Float(Foundation.log(4.0))).scalar - 2) < 1e-5)
        let dominant = try Tensor(shape: [1, 4], scalars: [100, 0, 0, 0])
        #expect(try Swift.abs((dominant.logSumExp(alongAxis: 1) - Float(Foundation.log(4.0))).scalar - (100 - Float(Foundation.log(4.0)))) < 1e-4)
    }

    @Test func hingeAndCrossEntropyByHand() throws {
        let real = try Tensor(shape: [3, 1], scalars: [2, 0.5, -1]), fake = try Tensor(shape: [2, 1], scalars: [-3, 0.25])
        // real: max(0, 1 − r) = 0, 0.5, 2 → 2.5/3; fake: max(0, 1 + f) = 0, 1.25 → 1.25/2.
        #expect(try Swift.abs(HybridLosses.hinge(real: real, fake: fake).scalar - (2.5 / 3 + 0.625)) < 1e-6)
        func softplus(_ v: Double) -> Double { Foundation.log(1 + Foundation.exp(v)) }
        let expected = ([2, 0.5, -1].map { softplus(-$0) }.reduce(0, +) / 3) + ([-3, 0.25].map { softplus($0) }.reduce(0, +) / 2)
        #expect(try Swift.abs(Double(HybridLosses.crossEntropy(real: real, fake: fake).scalar) - expected) < 1e-5)
        let logits = try Tensor(shape: [2, 1], scalars: [1, -2])
        #expect(try HybridLosses.codePenalty(logits, .codeDiscriminatorKL).scalar == 0.5)
        #expect(try Swift.abs(HybridLosses.codePenalty(logits, .codeDiscriminatorJS).scalar
                              - Float((softplus(-1) + softplus(2)) / 2)) < 1e-6)
    }

    /// A code discriminator trained to tell N(0, 1) draws from q = N(μ, s²) estimates
    /// KL(q ‖ p) by E_q[−C(z)] (its optimum is C = ln p/q); checked against the closed form.
    @Test func codeDiscriminatorEstimatesTheGaussianKL() throws {
        let (mu, s): (Float, Float) = (1.0, 0.6)
        let analytic = Double(-Foundation.log(s) + (s * s + mu * mu) / 2 - 0.5)  // ≈ 0.69
        var random = RandomStream(seed: 21)
        let code = try Sequential.perceptron(inputSize: 1, hiddenSizes: [32, 32], outputSize: 1, random: &random)
        let optimizer = try OptimizerSettings(learningRate: 3e-3, beta1: 0.9, beta2: 0.999).makeOptimizer(for: code)
        let parameters = code.namedParameters
        for _ in 0..<1_500 {
            let prior = random.normal([256, 1]), posterior = random.normal([256, 1]) * s + mu
            let (_, grads) = try valueAndGradient(wrt: parameters) {
                try HybridLosses.crossEntropy(real: code(prior), fake: code(posterior))
            }
            try optimizer.step(gradients: grads, parameters: parameters)
        }
        let estimate = try withoutGradient {
            try HybridLosses.codePenalty(code(random.normal([20_000, 1]) * s + mu), .codeDiscriminatorKL).scalar
        }
        #expect(Swift.abs(Double(estimate) - analytic) < 0.12 * analytic, "estimate \(estimate), analytic \(analytic)")
    }

    @Test func objectiveRefusesBadSettings() throws {
        #expect(throws: TensorError.self) { try HybridObjective(components: HybridModel.bms.components, samples: 0) }
        #expect(throws: TensorError.self) { try HybridObjective(components: HybridModel.bms.components, alpha: .nan) }
        var settings = HybridSettings()
        settings.samples = 0
        #expect(throws: ConfigError.self) { try settings.validate() }
    }
}
