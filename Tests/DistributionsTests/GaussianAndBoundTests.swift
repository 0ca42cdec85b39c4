import Distributions
import Foundation
import TensorCore
import Testing

@Suite struct GaussianAndBoundTests {
    /// The 1-D density integrates to one on a fine grid.
    @Test func theGaussianDensityIntegratesToOne() throws {
        let gaussian = try DiagonalGaussian(mean: Tensor([0.7]), logStd: Tensor([-0.4]))
        let h: Float = 0.002
        let grid = try Tensor(shape: [6_000, 1], scalars: (0..<6_000).map { -5.3 + (Float($0) + 0.5) * h })
        let total = try exp(gaussian.logDensity(grid)).scalars.reduce(0.0) { $0 + Double($1) } * Double(h)
        #expect(abs(total - 1) < 1e-4)
    }

    /// KL(q ‖ p) in closed form against a Monte-Carlo estimate, against N(0, I) as spec §1.1
    /// writes it, and zero for a distribution against itself.
    @Test func theKLMatchesItsDefinition() throws {
        let q = try DiagonalGaussian(mean: Tensor(shape: [1, 3], scalars: [0.5, -1, 2]),
                                     logStd: Tensor(shape: [1, 3], scalars: [-0.3, 0.2, 0.1]))
        let p = try DiagonalGaussian(mean: Tensor(shape: [1, 3], scalars: [0, 0.5, 1]),
                                     logStd: Tensor(shape: [1, 3], scalars: [0.1, -0.2, 0.3]))
        let closed = try q.kl(to: p).scalar
        var random = RandomStream(seed: 3)
        let samples = try DiagonalGaussian(mean: q.mean.broadcast(to: [200_000, 3]), logStd: q.logStd.broadcast(to: [200_000, 3]))
            .sample(random: &random)
        let monteCarlo = try (q.logDensity(samples) - p.logDensity(samples)).mean().scalar
        #expect(abs(closed - monteCarlo) < 0.02)
        let standard = try DiagonalGaussian.standard([1, 3])
        let formula = zip(q.mean.scalars, q.logStd.scalars).reduce(Float(0)) { total, pair in
            let s2 = Foundation.exp(2 * pair.1)
            return total + 0.5 * (pair.0 * pair.0 + s2 - Foundation.log(s2) - 1)
        }
        #expect(abs(try q.kl(to: standard).scalar - formula) < 1e-5)
        #expect(abs(try q.kl(to: q).scalar) < 1e-6)
    }

    /// The standard logistic density integrates to one.
    @Test func theLogisticDensityIntegratesToOne() throws {
        let h: Float = 0.005
        let grid = try Tensor(shape: [8_000, 1], scalars: (0..<8_000).map { -20 + (Float($0) + 0.5) * h })
        let total = try exp(StandardLogistic.logDensity(grid)).scalars.reduce(0.0) { $0 + Double($1) } * Double(h)
        #expect(abs(total - 1) < 1e-4)
    }

    /// L_1 is the single log-weight; L_k is the log of the mean weight, stable at large magnitudes.
    @Test func theImportanceWeightedBoundIsALogMeanExp() throws {
        let single = try importanceWeightedBound(logWeights: Tensor(shape: [2, 1], scalars: [-3, 5]))
        #expect(single.scalars == [-3, 5])
        let weights = try Tensor(shape: [1, 3], scalars: [-1000, -1001, -1002])
        let expected = -1000 + log((1 + exp(-1.0) + exp(-2.0)) / 3)
        #expect(abs(Double(try importanceWeightedBound(logWeights: weights).scalar) - expected) < 1e-3)
    }

    @Test func theCategoricalSumsToOne() throws {
        let categorical = try Categorical(classes: 256)
        var random = RandomStream(seed: 2)
        let logits = try random.normal([1, 256]).broadcast(to: [256, 256])
        let values = try Tensor(shape: [256], scalars: (0..<256).map(Float.init))
        let total = try categorical.logLikelihood(of: values, logits: logits).scalars.reduce(0.0) { $0 + Foundation.exp(Double($1)) }
        #expect(abs(total - 1) < 1e-4)
        #expect(throws: TensorError.self) { try categorical.logLikelihood(of: Tensor([300]), logits: Tensor.zeros([1, 256])) }
    }
}

@Suite struct BitsPerDimensionTests {
    /// A uniform model scores exactly 8 bits on 8-bit data whatever the scale of its density,
    /// and log₂ 17 on 17-level data.
    @Test func aUniformModelScoresEightBits() throws {
        let d = 3 * 32 * 32
        #expect(try BitsPerDimension.from(negativeLogLikelihood: 0, dimensions: d, scaling: .unit) == 8)
        #expect(abs(try BitsPerDimension.from(negativeLogLikelihood: Double(d) * log(2), dimensions: d, scaling: .symmetric) - 8) < 1e-12)
        #expect(abs(try BitsPerDimension.from(negativeLogLikelihood: Double(d) * log(256), dimensions: d, scaling: .pixels) - 8) < 1e-12)
        #expect(abs(try BitsPerDimension.from(negativeLogLikelihood: 64 * log(17), dimensions: 64, scaling: .levels(17))
                    - log2(17)) < 1e-12)
        #expect(throws: TensorError.self) { try BitsPerDimension.from(negativeLogLikelihood: .nan, dimensions: 1, scaling: .unit) }
    }

    /// The uniform 256-way categorical, a discrete model of 8-bit values, scores 8 bits
    /// through the same accounting; a model with random logits scores more on the same values.
    @Test func theUniformCategoricalScoresEightBits() throws {
        let categorical = try Categorical(classes: 256)
        let values = try Tensor(shape: [4, 8], scalars: (0..<32).map { Float($0 * 7 % 256) })
        let nll = -Double(try categorical.logLikelihood(of: values, logits: Tensor.zeros([4, 256, 8])).mean().scalar)
        #expect(abs(try BitsPerDimension.from(negativeLogLikelihood: nll, dimensions: 8, scaling: .levels(256)) - 8) < 1e-5)
        var random = RandomStream(seed: 7)
        let other = -Double(try categorical.logLikelihood(of: values, logits: random.normal([4, 256, 8]) * 3).mean().scalar)
        #expect(try BitsPerDimension.from(negativeLogLikelihood: other, dimensions: 8, scaling: .levels(256)) > 8)
    }

    /// Dequantised data land in the right range, and the logit transform's log-Jacobian is
    /// the log of its derivative (finite differences).
    @Test func dequantisationAndTheLogitTransform() throws {
        var random = RandomStream(seed: 1)
        let pixels = try Tensor(shape: [2, 3], scalars: [0, 255, 17, 128, 3, 254])
        let unit = try Dequantization.uniform(pixels, scaling: .unit, random: &random).scalars
        #expect(unit.allSatisfy { $0 >= 0 && $0 < 1 })
        let symmetric = try Dequantization.uniform(pixels, scaling: .symmetric, random: &random).scalars
        #expect(symmetric.allSatisfy { $0 >= -1 && $0 < 1 })
        let logit = try LogitTransform(lambda: 0.05)
        let x: Float = 0.3, h: Float = 1e-3
        func point(_ value: Float) throws -> Tensor { try Tensor(shape: [1, 1], scalars: [value]) }
        let derivative = (try logit.forward(point(x + h)).scalar - logit.forward(point(x - h)).scalar) / (2 * h)
        #expect(abs(try logit.logJacobian(point(x)).scalar - Foundation.log(derivative)) < 1e-3)
    }
}
