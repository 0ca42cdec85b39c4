import Foundation
import Testing
@testable import TensorCore

/// Reproducibility, state restoration, splitting and the distributions of
/// `RandomStream`. Statistical bounds are 5 standard errors (or the 0.999 quantile
/// of χ²); the seeds are fixed, so every outcome is deterministic.
@Suite struct RandomStreamTests {
    /// Pearson's χ² statistic of observed counts against expected probabilities.
    static func chiSquare(counts: [Int], probabilities: [Double]) -> Double {
        let n = Double(counts.reduce(0, +))
        return zip(counts, probabilities).reduce(0.0) { total, pair in
            let expected = n * pair.1
            return total + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
        }
    }

    /// Mean and (population) variance, in Float64.
    static func moments(_ values: [Float]) -> (mean: Double, variance: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / n
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance)
    }

    /// One draw of every kind, as bit patterns, for reproducibility checks.
    static func drawEverything(_ stream: inout RandomStream) throws -> [UInt32] {
        var bits = stream.uniform([5]).scalars.map(\.bitPattern)
        bits += stream.normal([3], mean: 1, standardDeviation: 2).scalars.map(\.bitPattern)
        bits += stream.bernoulli([6], probability: 0.4).scalars.map(\.bitPattern)
        bits += stream.permutation(7).map { UInt32($0) }
        bits += [UInt32(stream.integer(in: 0..<1000))]
        bits += try stream.categorical(weights: [1, 2, 3], count: 4).map { UInt32($0) }
        bits += try stream.categorical(logits: Tensor.zeros([2, 3])).map { UInt32($0) }
        return bits
    }

    @Test func sameSeedGivesBitIdenticalDraws() throws {
        var a = RandomStream(seed: 42), b = RandomStream(seed: 42)
        #expect(try Self.drawEverything(&a) == Self.drawEverything(&b))
        #expect(a == b)
    }

    @Test func differentSeedsAndSplitsDiffer() throws {
        let parent = RandomStream(seed: 42)
        var streams = [parent, RandomStream(seed: 43), parent.split(0), parent.split(1), parent.split("generator"),
                       parent.split("discriminator"), RandomStream(seed: 43).split(0)]
        let draws = streams.indices.map { streams[$0].uniform([8]).scalars }
        for i in draws.indices {
            for j in draws.indices where j > i {
                #expect(draws[i] != draws[j], "streams \(i) and \(j) coincide")
            }
        }
    }

    @Test func splittingIsDeterministicAndLeavesTheParentUntouched() {
        var parent = RandomStream(seed: 7)
        let before = parent
        let child = parent.split("layers.0")
        #expect(parent == before)
        #expect(child == RandomStream(seed: 7).split("layers.0"))
        #expect(child.counter == 0)
        // A split child is just another (key, counter) state.
        var fromChild = child, fromState = RandomStream(key: child.key, counter: 0)
        #expect(fromChild.uniform([4]).scalars == fromState.uniform([4]).scalars)
        _ = parent.uniform([3])
        #expect(parent.split("layers.0") == child, "a split must not depend on the parent's position")
    }

    @Test func restoredStateContinuesTheIdenticalSequence() throws {
        var stream = RandomStream(seed: 2024)
        _ = stream.uniform([7])
        _ = stream.normal([5])
        let (key, counter) = (stream.key, stream.counter)
        let expected = try Self.drawEverything(&stream)
        var restored = RandomStream(key: key, counter: counter)
        #expect(try Self.drawEverything(&restored) == expected)
        #expect(restored == stream)
    }

    @Test func counterAdvancesByOneBlockPerFourWords() {
        var stream = RandomStream(seed: 1)
        _ = stream.uniform([9])
        #expect(stream.counter == 3)
        _ = stream.normal([3])  // rounded up to 4 words
        #expect(stream.counter == 4)
    }

    @Test func unitIntervalsExcludeTheirOpenEnds() {
        #expect(RandomStream.unit(0) == 0)
        #expect(RandomStream.unit(.max) < 1)
        #expect(RandomStream.unitOpenZero(0) > 0)
        #expect(RandomStream.unitOpenZero(.max) == 1)
    }

    @Test func uniformMoments() {
        var stream = RandomStream(seed: 11)
        let values = stream.uniform([100_000], low: -2, high: 4).scalars
        let (mean, variance) = Self.moments(values)
        // U(-2, 4): mean 1, variance 36/12 = 3; standard errors √(3/n) and √((μ₄ − σ⁴)/n), μ₄ = 6⁴/80.
        let fourthMoment: Double = 1296.0 / 80
        let meanError: Double = (3.0 / 1e5).squareRoot(), varianceError: Double = ((fourthMoment - 9) / 1e5).squareRoot()
        #expect(Swift.abs(mean - 1) < 5 * meanError)
        #expect(Swift.abs(variance - 3) < 5 * varianceError)
        #expect(values.allSatisfy { $0 >= -2 && $0 < 4 })
    }

    @Test func normalMoments() {
        var stream = RandomStream(seed: 12)
        let values = stream.normal([100_001], mean: 3, standardDeviation: 2).scalars
        let (mean, variance) = Self.moments(values)
        let n = Double(values.count)
        #expect(Swift.abs(mean - 3) < 5 * 2 / n.squareRoot())
        #expect(Swift.abs(variance.squareRoot() - 2) < 5 * 2 / (2 * n).squareRoot())
        // Shape, not just moments: P(|z| < 1) = 0.6827, P(|z| < 2) = 0.9545.
        for (k, p) in [(1.0, 0.682_689), (2.0, 0.954_500)] {
            let inside = Double(values.filter { Swift.abs(Double($0) - 3) < 2 * k }.count) / n
            #expect(Swift.abs(inside - p) < 5 * (p * (1 - p) / n).squareRoot())
        }
    }

    @Test func bernoulliRates() throws {
        var stream = RandomStream(seed: 13)
        let n = 100_000.0
        let rate = Double(stream.bernoulli([100_000], probability: 0.3).sum().scalar) / n
        #expect(Swift.abs(rate - 0.3) < 5 * (0.21 / n).squareRoot())
        // Per-element probabilities: the column means follow the probabilities.
        let probabilities = try Tensor(shape: [1, 4], scalars: [0, 0.1, 0.5, 1])
        let draws = stream.bernoulli(probabilities: try probabilities.broadcast(to: [25_000, 4]))
        let rates = try draws.mean(alongAxes: [0]).scalars
        #expect(rates[0] == 0 && rates[3] == 1)
        #expect(Swift.abs(Double(rates[1]) - 0.1) < 5 * (0.09 / 25_000).squareRoot())
        #expect(Swift.abs(Double(rates[2]) - 0.5) < 5 * (0.25 / 25_000).squareRoot())
    }

    @Test func permutationsArePermutationsAndUniform() {
        var stream = RandomStream(seed: 14)
        for n in [0, 1, 2, 10, 33] {
            #expect(stream.permutation(n).sorted() == Array(0..<n))
        }
        // All 24 orders of 4 items, 24 000 draws: χ² with 23 degrees of freedom.
        var counts = [[Int]: Int]()
        for _ in 0..<24_000 { counts[stream.permutation(4), default: 0] += 1 }
        #expect(counts.count == 24)
        let statistic = Self.chiSquare(counts: Array(counts.values), probabilities: Array(repeating: 1.0 / 24, count: 24))
        #expect(statistic < 49.73, "χ² = \(statistic)")
    }

    @Test func integersAreUniform() {
        var stream = RandomStream(seed: 15)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<14_000 { counts[stream.integer(in: -3..<4) + 3] += 1 }
        let statistic = Self.chiSquare(counts: counts, probabilities: Array(repeating: 1.0 / 7, count: 7))
        #expect(statistic < 22.46, "χ² = \(statistic)")  // 6 degrees of freedom
    }

    @Test func categoricalFrequencies() throws {
        var stream = RandomStream(seed: 16)
        let draws = try stream.categorical(weights: [1, 2, 3, 0, 4], count: 50_000)
        var counts = [Int](repeating: 0, count: 5)
        for d in draws { counts[d] += 1 }
        #expect(counts[3] == 0, "a zero-weight category was drawn")
        let statistic = Self.chiSquare(counts: [counts[0], counts[1], counts[2], counts[4]], probabilities: [0.1, 0.2, 0.3, 0.4])
        #expect(statistic < 16.27, "χ² = \(statistic)")  // 3 degrees of freedom
        #expect(throws: TensorError.self) { try stream.categorical(weights: [0, 0], count: 1) }
        #expect(throws: TensorError.self) { try stream.categorical(weights: [1, -1], count: 1) }
        #expect(throws: TensorError.self) { try stream.categorical(weights: [], count: 1) }
        #expect(throws: TensorError.self) { try stream.categorical(weights: [1], count: -1) }
        #expect(throws: TensorError.self) { try stream.categorical(weights: [.greatestFiniteMagnitude, .greatestFiniteMagnitude], count: 1) }
    }

    @Test func categoricalFromLogitsFollowsTheSoftmax() throws {
        var stream = RandomStream(seed: 17)
        let logits: [Float] = [0, Foundation.log(2), Foundation.log(5), -.infinity]
        let rows = 40_000
        let draws = try stream.categorical(logits: try Tensor(shape: [1, 4], scalars: logits).broadcast(to: [rows, 4]))
        var counts = [Int](repeating: 0, count: 4)
        for d in draws { counts[d] += 1 }
        #expect(counts[3] == 0)
        let statistic = Self.chiSquare(counts: Array(counts.prefix(3)), probabilities: [0.125, 0.25, 0.625])
        #expect(statistic < 13.82, "χ² = \(statistic)")  // 2 degrees of freedom
        #expect(throws: TensorError.self) { try stream.categorical(logits: Tensor.zeros([4])) }
    }

    @Test func splitStreamsAreUncorrelated() {
        let parent = RandomStream(seed: 18)
        var a = parent.split(0), b = parent.split(1)
        let x = a.normal([50_000]).scalars, y = b.normal([50_000]).scalars
        let correlation = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / 50_000
        #expect(Swift.abs(correlation) < 5 / (50_000.0).squareRoot())
    }
}
