import Datasets
import Evaluation
import Foundation
import Testing
import TensorCore

/// Mode coverage, high-quality fraction and reverse KL on sample sets whose answers are
/// computed by hand.
@Suite struct ModeCoverageTests {
    private func points(_ xy: [(Float, Float)]) throws -> Tensor {
        try Tensor(shape: [xy.count, 2], scalars: xy.flatMap { [$0.0, $0.1] })
    }

    /// Two samples near each of modes 0, 3 and 5 of the 8-mode ring (σ = 0.01, offsets
    /// ≤ 0.02 < 3σ): 3 modes, all samples high quality, KL = ln(8/3).
    @Test func evenCoverOfThreeOfEightModes() throws {
        let ring = GaussianMixture2D.ring8
        let c = ring.centerScalars
        var xy = [(Float, Float)]()
        for mode in [0, 3, 5] {
            xy.append((c[2 * mode] + 0.02, c[2 * mode + 1]))
            xy.append((c[2 * mode], c[2 * mode + 1] - 0.015))
        }
        let result = try modeCoverage(samples: points(xy), centers: ring.centers, standardDeviation: 0.01)
        #expect(result.modes == 3)
        #expect(result.modesTotal == 8)
        #expect(result.hqFraction == 1)
        #expect(abs(result.reverseKL - log(8.0 / 3.0)) < 1e-12)
        #expect(result.highQualityCounts == [2, 0, 0, 2, 0, 2, 0, 0])
        #expect(result.sampleCount == 6)
    }

    /// Counts [3, 1, 0, 0] of HQ samples plus one far sample: hq 4/5, 2 modes,
    /// KL = 3/4 ln(4·3/4) + 1/4 ln(4·1/4) = 3/4 ln 3.
    @Test func unevenCoverWithAFarSample() throws {
        let centers = try points([(0, 0), (10, 0), (0, 10), (10, 10)])
        let samples = try points([(0.1, 0), (0, -0.2), (-0.25, 0.05), (10, 0.29), (5, 5)])
        let result = try modeCoverage(samples: samples, centers: centers, standardDeviation: 0.1)
        #expect(result.highQualityCounts == [3, 1, 0, 0])
        #expect(result.modes == 2)
        #expect(result.hqFraction == 0.8)
        #expect(abs(result.reverseKL - 0.75 * log(3.0)) < 1e-12)
    }

    @Test func samplesFarAwayAreNeverHighQuality() throws {
        let samples = try points([(100, 100), (-50, 3), (.nan, 0), (.infinity, 1)])
        let result = try modeCoverage(samples: samples, centers: GaussianMixture2D.grid25.centers, standardDeviation: 0.05)
        #expect(result.modes == 0)
        #expect(result.hqFraction == 0)
        #expect(result.reverseKL == .infinity, "documented convention when no sample is high quality")
    }

    /// The 3σ ball is closed: a sample at exactly 3σ is high quality, the next float beyond is not.
    @Test func theThreeSigmaBoundaryIsInclusive() throws {
        let centers = try points([(0, 0)])
        let onBoundary = try modeCoverage(samples: points([(1.5, 0)]), centers: centers, standardDeviation: 0.5)
        #expect(onBoundary.hqFraction == 1 && onBoundary.modes == 1 && onBoundary.reverseKL == 0)
        let beyond = try modeCoverage(samples: points([(Float(1.5).nextUp, 0)]), centers: centers, standardDeviation: 0.5)
        #expect(beyond.hqFraction == 0 && beyond.modes == 0)
        let wider = try modeCoverage(samples: points([(1.9, 0)]), centers: centers, standardDeviation: 0.5,
                                     qualityThreshold: 4)
        #expect(wider.hqFraction == 1)
    }

    @Test func nearestModeTiesGoToTheLowerIndex() throws {
        let (indices, distances) = try nearestModes(samples: points([(0, 0), (2, 0.5)]), centers: points([(-1, 0), (1, 0)]))
        #expect(indices == [0, 1])
        #expect(distances == [1, 1.25])
    }

    /// Samples of the mixture itself: every mode is covered and the HQ fraction is
    /// P(‖ε‖ ≤ 3σ) = 1 − e^{−9/2} ≈ 0.98889 for a 2D isotropic Gaussian (5 standard errors).
    @Test func samplesOfTheMixtureCoverEveryMode() throws {
        let grid = GaussianMixture2D.grid25
        var random = RandomStream(seed: 2024)
        let samples = try grid.sample(count: 10_000, random: &random)
        let result = try modeCoverage(samples: samples, centers: grid.centers, standardDeviation: 0.05)
        let expected = 1 - exp(-4.5)
        #expect(result.modes == 25)
        #expect(abs(result.hqFraction - expected) < 5 * (expected * (1 - expected) / 10_000).squareRoot(),
                "hq \(result.hqFraction), expected \(expected)")
        #expect(result.reverseKL < 0.01, "≈ (K − 1)/(2N) = 0.0012 for multinomial noise, got \(result.reverseKL)")
    }

    @Test func badInputThrows() throws {
        let centers = try points([(0, 0)])
        #expect(throws: TensorError.self) { try modeCoverage(samples: Tensor.zeros([4, 3]), centers: centers, standardDeviation: 1) }
        #expect(throws: TensorError.self) { try modeCoverage(samples: Tensor.zeros([4, 2]), centers: Tensor.zeros([0, 2]), standardDeviation: 1) }
        #expect(throws: TensorError.self) { try modeCoverage(samples: Tensor.zeros([4, 2]), centers: centers, standardDeviation: 0) }
        let empty = try modeCoverage(samples: Tensor.zeros([0, 2]), centers: centers, standardDeviation: 1)
        #expect(empty.hqFraction == 0 && empty.modes == 0 && empty.sampleCount == 0)
    }
}
