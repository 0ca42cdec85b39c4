import Evaluation
import Foundation
import TensorCore
import Testing

@Suite struct DistributionMetricTests {
    /// Samples of N(mean, diag(std²)), `[n, D]`.
    static func gaussian(_ n: Int, mean: [Float], std: [Float], seed: UInt64) throws -> Tensor {
        var random = RandomStream(seed: seed)
        let noise = random.normal([n, mean.count]).scalars
        return try Tensor(shape: [n, mean.count], scalars: noise.indices.map { noise[$0] * std[$0 % mean.count] + mean[$0 % mean.count] })
    }

    @Test func frechetDistanceOfASampleWithItselfIsZero() throws {
        let x = try Self.gaussian(500, mean: [1, -2, 0.5], std: [1, 0.5, 2], seed: 1)
        #expect(abs(try frechetDistance(real: x, generated: x)) < 1e-8)
    }

    /// For diagonal covariances FD = ‖μ₁ − μ₂‖² + Σ (σ₁ − σ₂)².
    @Test func frechetDistanceMatchesTheClosedFormForDiagonalGaussians() throws {
        let fd = try frechetDistance(mean1: [0, 1], covariance1: [4, 0, 0, 1], mean2: [3, 1], covariance2: [1, 0, 0, 9])
        #expect(abs(fd - (9 + 1 + 4)) < 1e-9)
    }

    /// A rotated pair: Σ₂ = R Σ₁ Rᵀ does not commute with Σ₁; the value is compared with
    /// tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½) computed in closed form for 2 × 2 matrices
    /// (tr √M = √(tr M + 2√det M)).
    @Test func frechetDistanceOfNonCommutingCovariances() throws {
        let s1: [Double] = [4, 0, 0, 1]
        let (c, s) = (cos(0.6), sin(0.6))
        let s2: [Double] = [4 * c * c + s * s, (4 - 1) * c * s, (4 - 1) * c * s, 4 * s * s + c * c]
        // Σ₁^½ Σ₂ Σ₁^½ has trace tr(Σ₁Σ₂) and determinant det Σ₁ det Σ₂.
        let traceProduct = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3]
        let detProduct = (s1[0] * s1[3] - s1[1] * s1[2]) * (s2[0] * s2[3] - s2[1] * s2[2])
        let expected = (s1[0] + s1[3]) + (s2[0] + s2[3]) - 2 * (traceProduct + 2 * detProduct.squareRoot()).squareRoot()
        let fd = try frechetDistance(mean1: [0, 0], covariance1: s1, mean2: [0, 0], covariance2: s2)
        #expect(abs(fd - expected) < 1e-9)
        #expect(fd > 0.1)
    }

    @Test func frechetDistanceOfSamplesApproachesThePopulationValue() throws {
        let a = try Self.gaussian(20_000, mean: [0, 1], std: [2, 1], seed: 2)
        let b = try Self.gaussian(20_000, mean: [3, 1], std: [1, 3], seed: 3)
        #expect(abs(try frechetDistance(real: a, generated: b) - 14) < 0.3)
    }

    /// The unbiased KID has mean 0 on two samples of one distribution and is clearly positive
    /// for different ones; one estimate equals the triple-loop definition.
    @Test func kernelDistanceIsUnbiased() throws {
        var estimates: [Double] = []
        for seed in 0..<40 as Range<UInt64> {
            let a = try Self.gaussian(30, mean: [0, 0, 0], std: [1, 1, 1], seed: 100 + seed)
            let b = try Self.gaussian(30, mean: [0, 0, 0], std: [1, 1, 1], seed: 200 + seed)
            estimates.append(try kernelDistance(real: a, generated: b))
        }
        let mean = estimates.reduce(0, +) / 40
        let sd = (estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 39).squareRoot()
        #expect(abs(mean) < 3 * sd / 40.0.squareRoot())
        let far = try kernelDistance(real: Self.gaussian(30, mean: [0, 0, 0], std: [1, 1, 1], seed: 5),
                                     generated: Self.gaussian(30, mean: [2, 0, 0], std: [1, 1, 1], seed: 6))
        #expect(far > 10 * sd)
    }

    @Test func kernelDistanceEqualsItsDefinition() throws {
        let a = try Self.gaussian(5, mean: [0, 1], std: [1, 1], seed: 7), b = try Self.gaussian(4, mean: [1, 0], std: [1, 2], seed: 8)
        func k(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> Double {
            pow(zip(x, y).reduce(0) { $0 + Double($1.0) * Double($1.1) } / 2 + 1, 3)
        }
        let x = a.scalars, y = b.scalars
        func row(_ v: [Float], _ i: Int) -> ArraySlice<Float> { v[(2 * i)..<(2 * i + 2)] }
        var xx = 0.0, yy = 0.0, xy = 0.0
        for i in 0..<5 { for j in 0..<5 where i != j { xx += k(row(x, i), row(x, j)) } }
        for i in 0..<4 { for j in 0..<4 where i != j { yy += k(row(y, i), row(y, j)) } }
        for i in 0..<5 { for j in 0..<4 { xy += k(row(x, i), row(y, j)) } }
        let expected = xx / 20 + yy / 12 - 2 * xy / 20
        #expect(abs(try kernelDistance(real: a, generated: b) - expected) < 1e-9)
    }

    /// Real samples in two tight clusters, generated ones the first cluster again: every
    /// generated sample is realistic (precision 1) but the second cluster is not covered (recall ½).
    @Test func precisionAndRecallOfAModeDroppingGenerator() throws {
        var random = RandomStream(seed: 9)
        let clusterA = random.normal([20, 2], standardDeviation: 0.1), clusterB = random.normal([20, 2], standardDeviation: 0.1) + 10
        let real = try Tensor.concatenate([clusterA, clusterB], axis: 0)
        let generated = clusterA
        let result = try precisionRecall(real: real, generated: generated)
        #expect(result.precision == 1)
        #expect(result.recall == 0.5)
        let same = try precisionRecall(real: real, generated: real)
        #expect(same.precision == 1 && same.recall == 1)
        #expect(throws: TensorError.self) { try precisionRecall(real: real, generated: random.normal([3, 2])) }
    }

    @Test func badFeaturesAreRejected() throws {
        #expect(throws: TensorError.self) { try frechetDistance(real: Tensor.zeros([5, 3]), generated: Tensor.zeros([5, 2])) }
        #expect(throws: TensorError.self) { try frechetDistance(real: Tensor.full([5, 3], .nan), generated: Tensor.zeros([5, 3])) }
        #expect(throws: TensorError.self) { try kernelDistance(real: Tensor.zeros([1, 3]), generated: Tensor.zeros([5, 3])) }
    }
}
