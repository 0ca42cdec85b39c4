import Adversarial
import Foundation
import TensorCore
import Testing

/// The mixing procedure (Eq. 4.2) draws #β with the distribution its prior implies.
@Suite struct MixingTests {
    static let batchSize = 8
    static let draws = 20_000
    /// χ² critical value at p = 0.001 for 8 degrees of freedom (9 cells − 1).
    static let chiSquareCritical = 26.12

    static func binomial(_ n: Int, _ k: Int) -> Double {
        (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
    }

    /// Simpson's rule for ∫_a^b p^k (1−p)^(n−k) dp.
    static func integral(_ k: Int, _ n: Int, from a: Double, to b: Double) -> Double {
        let steps = 2000
        let h = (b - a) / Double(steps)
        let f = { (p: Double) in pow(p, Double(k)) * pow(1 - p, Double(n - k)) }
        var total = f(a) + f(b)
        for i in 1..<steps { total += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return total * h / 3
    }

    /// P(#β = k) when p* is uniform on [0, γ] ∪ [1 − γ, 1].
    static func smoothingProbabilities(gamma: Double, n: Int) -> [Double] {
        (0...n).map { k in
            if gamma == 0 { return k == 0 || k == n ? 0.5 : 0 }
            let mass = integral(k, n, from: 0, to: gamma) + integral(k, n, from: 1 - gamma, to: 1)
            return binomial(n, k) * mass / (2 * gamma)
        }
    }

    /// Beta-binomial: P(#β = k) = C(n, k) B(k + a, n − k + b) / B(a, b).
    static func betaBinomialProbabilities(a: Double, b: Double, n: Int) -> [Double] {
        func logBeta(_ x: Double, _ y: Double) -> Double { lgamma(x) + lgamma(y) - lgamma(x + y) }
        return (0...n).map { k in
            binomial(n, k) * exp(logBeta(Double(k) + a, Double(n - k) + b) - logBeta(a, b))
        }
    }

    static func realCounts(prior: some MixingPrior, seed: UInt64) throws -> [Int] {
        var rng = RandomStream(seed: seed)
        var counts = [Int](repeating: 0, count: batchSize + 1)
        let real = Tensor.ones([batchSize, 2]), fake = Tensor.zeros([batchSize, 2])
        for _ in 0..<draws {
            let (batch, complement) = try MixedBatch.draw(real: real, generated: fake, prior: prior, random: &rng)
            let k = Int(batch.isReal.sum().scalar)
            counts[k] += 1
            #expect(batch.realFraction == Float(k) / Float(batchSize))
            #expect(complement.realFraction == 1 - batch.realFraction)
        }
        return counts
    }

    static func chiSquare(_ counts: [Int], _ probabilities: [Double]) -> Double {
        zip(counts, probabilities).reduce(0) { total, cell in
            let expected = cell.1 * Double(draws)
            return expected == 0 ? total + (cell.0 == 0 ? 0 : .infinity) : total + pow(Double(cell.0) - expected, 2) / expected
        }
    }

    @Test(arguments: [0.1, 0.3, 0.5] as [Float])
    func batchSmoothingCountsFollowTheIntervalPrior(gamma: Float) throws {
        let counts = try Self.realCounts(prior: BatchSmoothingPrior(gamma: gamma), seed: 17)
        let expected = Self.smoothingProbabilities(gamma: Double(gamma), n: Self.batchSize)
        #expect(abs(expected.reduce(0, +) - 1) < 1e-9)
        #expect(Self.chiSquare(counts, expected) < Self.chiSquareCritical)
    }

    @Test func pureBatchesAtGammaZero() throws {
        let counts = try Self.realCounts(prior: BatchSmoothingPrior(gamma: 0), seed: 3)
        #expect(counts[1..<Self.batchSize].allSatisfy { $0 == 0 })
        #expect(abs(Double(counts[0]) / Double(Self.draws) - 0.5) < 0.02)
    }

    @Test(arguments: [(1.0, 1.0), (2.0, 5.0), (0.5, 0.5)] as [(Float, Float)])
    func betaPriorCountsAreBetaBinomial(a: Float, b: Float) throws {
        let counts = try Self.realCounts(prior: BetaPrior(a: a, b: b), seed: 29)
        let expected = Self.betaBinomialProbabilities(a: Double(a), b: Double(b), n: Self.batchSize)
        #expect(Self.chiSquare(counts, expected) < Self.chiSquareCritical)
    }

    /// A wrong prior must fail the same test: the check has power.
    @Test func chiSquareRejectsAWrongPrior() throws {
        let counts = try Self.realCounts(prior: BatchSmoothingPrior(gamma: 0.3), seed: 17)
        let wrong = Self.smoothingProbabilities(gamma: 0.5, n: Self.batchSize)
        #expect(Self.chiSquare(counts, wrong) > Self.chiSquareCritical)
    }

    @Test func smoothingProportionsStayInTheirIntervals() throws {
        var rng = RandomStream(seed: 5)
        let prior = try BatchSmoothingPrior(gamma: 0.2)
        for _ in 0..<5000 {
            let p = try prior.sampleProportion(using: &rng)
            #expect((p >= 0 && p <= 0.2) || (p >= 0.8 && p <= 1))
        }
        #expect(throws: TensorError.self) { try BatchSmoothingPrior(gamma: 0.7) }
        #expect(throws: TensorError.self) { try BetaPrior(a: 0, b: 1) }
    }

    @Test func mixingTakesRealRowsWhereBetaIsOne() throws {
        let real = try Tensor(shape: [3, 2], scalars: [1, 1, 2, 2, 3, 3])
        let fake = (try Tensor(shape: [3, 2], scalars: [-1, -1, -2, -2, -3, -3])).requiringGradient()
        let batch = try MixedBatch.mix(real: real, generated: fake, isReal: Tensor([1, 0, 1]))
        #expect(batch.samples.scalars == [1, 1, -2, -2, 3, 3])
        #expect(abs(batch.realFraction - 2.0 / 3) < 1e-7)
        // Only the generated row receives gradient.
        let g = try gradients(of: batch.samples.sum(), wrt: [fake])[0]
        #expect(g.scalars == [0, 0, 1, 1, 0, 0])
        #expect(throws: TensorError.self) { try MixedBatch.mix(real: real, generated: fake, isReal: Tensor([1, 0])) }
    }
}
