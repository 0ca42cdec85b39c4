import Distributions
import Foundation
import NeuralNet
import TensorCore
import Testing
import Training
import Variational

/// A linear-Gaussian VAE whose marginal is known in closed form: p(z) = N(0, I₂),
/// p(x | z) = N(Wz + b, σ²I₃) with W = [[2, 0], [0, 1], [0, 0]], σ = ½, so
/// p(x) = N(b, diag(4.25, 1.25, 0.25)) and the exact posterior is
/// N((8/17)(x₁ − b₁), (4/5)(x₂ − b₂); diag(1/17, 1/5)).
@Suite struct BoundTests {
    static let b: [Float] = [0.5, -1, 0.3]

    static func linearVAE(meanShift: Float = 0, logStdShift: Float = 0) throws -> VariationalAutoencoder {
        let decoder = try Linear(weight: Tensor(shape: [3, 2], scalars: [2, 0, 0, 1, 0, 0]), bias: Tensor(b))
        let encoder = try Linear(
            weight: Tensor(shape: [4, 3], scalars: [8.0 / 17, 0, 0, 0, 0.8, 0, 0, 0, 0, 0, 0, 0]),
            bias: Tensor([-8.0 / 17 * b[0] + meanShift, -0.8 * b[1] - meanShift,
                          Float(0.5 * log(1.0 / 17)) + logStdShift, Float(0.5 * log(1.0 / 5)) - logStdShift]))
        return try VariationalAutoencoder(encoder: encoder, decoder: decoder,
                                          observation: GaussianObservation(logSigma: Float(log(0.5))), latentSize: 2)
    }

    static func exactLogLikelihood(_ x: [Float]) -> Double {
        zip(zip(x, b), [4.25, 1.25, 0.25]).reduce(0.0) { total, item in
            let ((value, mean), variance) = item
            let d = Double(value - mean)
            return total - 0.5 * (log(2 * Double.pi * variance) + d * d / variance)
        }
    }

    static let point: [Float] = [1.7, -0.2, 0.1]

    static func replicated(_ rows: Int) throws -> Tensor {
        try Tensor(shape: [1, 3], scalars: point).broadcast(to: [rows, 3])
    }

    /// With the exact posterior every importance weight is p(x): L_k = ln p(x) for every k.
    @Test func theExactPosteriorMakesEveryBoundTight() throws {
        let vae = try Self.linearVAE()
        var random = RandomStream(seed: 1)
        let exact = Self.exactLogLikelihood(Self.point)
        for k in [1, 10] {
            let bound = try vae.importanceWeightedBound(Self.replicated(8), samples: k, random: &random).scalars
            #expect(bound.allSatisfy { abs(Double($0) - exact) < 1e-4 }, "k = \(k): \(bound[0]) vs \(exact)")
        }
        let elbo = try vae.elbo(Self.replicated(20_000), random: &random).elbo.mean().scalar
        #expect(abs(Double(elbo) - exact) < 0.02)
        #expect(abs(Double(try vae.logLikelihood(Self.replicated(2)).scalars[0]) - exact) < 1e-4)
    }

    /// With a wrong posterior: L₁ estimates the ELBO, L_k grows with k and stays below ln p(x).
    @Test func theBoundsOrderAndStayBelowTheLikelihood() throws {
        let vae = try Self.linearVAE(meanShift: 0.6, logStdShift: 0.7)
        var random = RandomStream(seed: 2)
        let exact = Self.exactLogLikelihood(Self.point)
        // ln w has a standard deviation of about 5.5 here: 20,000 rows put L₁'s standard error
        // near 0.04; the ELBO's closed-form KL makes it far less noisy.
        let bounds = try [(1, 20_000), (10, 3_000), (100, 3_000)].map { k, rows in
            Double(try vae.importanceWeightedBound(Self.replicated(rows), samples: k, random: &random).mean().scalar)
        }
        let elbo = Double(try vae.elbo(Self.replicated(20_000), random: &random).elbo.mean().scalar)
        #expect(abs(bounds[0] - elbo) < 0.16, "L1 \(bounds[0]) vs ELBO \(elbo)")
        // The ELBO in closed form: E_q ||x − Wz − b||² = ||x − Wm − b||² + Σ_dj W_dj² s_j².
        let m = [8.0 / 17 * Double(Self.point[0] - Self.b[0]) + 0.6, 0.8 * Double(Self.point[1] - Self.b[1]) - 0.6]
        let s2 = [exp(log(1.0 / 17) + 1.4), exp(log(1.0 / 5) - 1.4)]
        let x = Self.point.map(Double.init), b = Self.b.map(Double.init)
        let residuals: [Double] = [x[0] - 2 * m[0] - b[0], x[1] - m[1] - b[1], x[2] - b[2]]
        var expectedSquares = 4 * s2[0] + s2[1]
        for r in residuals { expectedSquares += r * r }
        let reconstruction = -1.5 * log(2 * Double.pi * 0.25) - expectedSquares / 0.5
        var kl = 0.0
        for j in 0..<2 { kl += 0.5 * (m[j] * m[j] + s2[j] - log(s2[j]) - 1) }
        #expect(abs(elbo - (reconstruction - kl)) < 0.03, "ELBO \(elbo) vs closed form \(reconstruction - kl)")
        #expect(bounds[0] < bounds[1] && bounds[1] < bounds[2], "\(bounds)")
        #expect(bounds[2] < exact && exact - bounds[0] > 0.3, "\(bounds) vs ln p(x) = \(exact)")
    }

    /// A small VAE trained on a 2D mixture as a one-player procedure improves its ELBO and
    /// its IWAE bound; the KL is reported.
    @Test func aVAETrainsAsAOnePlayerProcedure() throws {
        var random = RandomStream(seed: 3)
        let encoder = try Sequential.perceptron(inputSize: 2, hiddenSizes: [16], outputSize: 4, random: &random)
        let decoder = try Sequential.perceptron(inputSize: 2, hiddenSizes: [16], outputSize: 2, random: &random)
        let vae = try VariationalAutoencoder(encoder: encoder, decoder: decoder, observation: GaussianObservation(),
                                             latentSize: 2)
        vae.evaluationSamples = 20
        let data: BatchSource = { count, random in
            let signs = (0..<count).map { _ in random.unitUniform() < 0.5 ? Float(-2) : 2 }
            return try Batch(inputs: random.normal([count, 2], standardDeviation: 0.3)
                             + Tensor(shape: [count, 2], scalars: signs.flatMap { [$0, $0] }))
        }
        let procedure = try TrainingProcedure(
            players: [vae.boundPlayer(optimizer: OptimizerSettings(learningRate: 1e-2))], batchSize: 64, seed: 0,
            streams: ["posterior"], data: data)
        var test = RandomStream(seed: 9)
        let held = try data(500, &test).inputs
        let before = try vae.logLikelihood(held).mean().scalar
        var metrics: [String: Float] = [:]
        for _ in 0..<200 { metrics = try procedure.trainIteration() }
        let after = try vae.logLikelihood(held).mean().scalar
        #expect(after > before + 0.5, "IWAE-20 bound \(before) → \(after)")
        // A bound on ln p(x) cannot exceed minus the data's entropy: two components 19σ apart,
        // σ = 0.3 in 2-D, H = ln 2 + ln(2πe·0.09) ≈ 1.1235 nats.
        #expect(-Double(after) > log(2) + log(2 * Double.pi * exp(1) * 0.09) - 0.05)
        #expect(Set(metrics.keys) == ["vae.loss", "vae.bound", "vae.kl"] && metrics["vae.kl"]! > 0)
    }

    @Test func aWrongEncoderShapeIsNamed() throws {
        var random = RandomStream(seed: 4)
        let vae = try VariationalAutoencoder(
            encoder: Linear(inputFeatures: 3, outputFeatures: 3, random: &random),
            decoder: Linear(inputFeatures: 2, outputFeatures: 3, random: &random), observation: GaussianObservation(), latentSize: 2)
        #expect(throws: TensorError.self) { try vae.posterior(Tensor.zeros([1, 3])) }
        #expect(throws: TrainingError.self) { try vae.importanceWeightedBound(Tensor.zeros([1, 3]), samples: 0, random: &random) }
    }
}
