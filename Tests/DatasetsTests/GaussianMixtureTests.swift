import Datasets
import Foundation
import Testing
import TensorCore

/// The 2D mixtures have the documented layouts, sample the right distribution, and a seed
/// reproduces them exactly.
@Suite struct GaussianMixtureTests {
    /// The centres as `(x, y)` pairs, for readable comparisons.
    private func pairs(_ mixture: GaussianMixture2D) -> [[Float]] {
        stride(from: 0, to: mixture.centerScalars.count, by: 2).map {
            [mixture.centerScalars[$0], mixture.centerScalars[$0 + 1]]
        }
    }

    @Test func squaresIsTheGridOfSpecSection3_7() throws {
        let squares = try GaussianMixture2D.squares()
        #expect(squares.modeCount == 25)
        #expect(squares.centers.shape == [25, 2])
        #expect(squares.standardDeviation == 0.02)
        let grid: [Float] = [-2, -1, 0, 1, 2]
        #expect(pairs(squares) == grid.flatMap { y in grid.map { x in [x, y] } })
    }

    @Test func squaresTakesItsParameters() throws {
        let small = try GaussianMixture2D.squares(modesPerSide: 3, spacing: 0.5, standardDeviation: 0.1)
        #expect(pairs(small) == [[-0.5, -0.5], [0, -0.5], [0.5, -0.5],
                                 [-0.5, 0], [0, 0], [0.5, 0],
                                 [-0.5, 0.5], [0, 0.5], [0.5, 0.5]])
        #expect(small.standardDeviation == 0.1)
        let even = try GaussianMixture2D.squares(modesPerSide: 2, spacing: 2)
        #expect(pairs(even) == [[-1, -1], [1, -1], [-1, 1], [1, 1]])
    }

    @Test func circlesIsTheRingOfSpecSection3_7() throws {
        let circles = try GaussianMixture2D.circles()
        #expect(circles.modeCount == 8)
        #expect(circles.standardDeviation == 0.02)
        let r = Float(2).squareRoot()
        let expected: [[Float]] = [[r, 0], [1, 1], [0, r], [-1, 1], [-r, 0], [-1, -1], [0, -r], [1, -1]]
        for (got, want) in zip(pairs(circles), expected) {
            #expect(abs(got[0] - want[0]) < 1e-6 && abs(got[1] - want[1]) < 1e-6, "\(got) vs \(want)")
        }
    }

    @Test func literatureSettings() throws {
        let grid = GaussianMixture2D.grid25
        #expect(grid.modeCount == 25 && grid.standardDeviation == 0.05 && grid.name == "grid25")
        #expect(Set(grid.centerScalars) == [-4, -2, 0, 2, 4])
        #expect(pairs(grid).first == [-4, -4] && pairs(grid).last == [4, 4])

        let ring = GaussianMixture2D.ring8
        #expect(ring.modeCount == 8 && ring.standardDeviation == 0.01 && ring.name == "ring8")
        for (k, point) in pairs(ring).enumerated() {
            let angle = 2 * Double.pi * Double(k) / 8
            #expect(abs(Double(point[0]) - cos(angle)) < 1e-6 && abs(Double(point[1]) - sin(angle)) < 1e-6)
        }
    }

    @Test func namedFindsEveryPresetAndListsThemOnError() throws {
        #expect(try GaussianMixture2D.named("squares") == GaussianMixture2D.squares())
        #expect(try GaussianMixture2D.named("circles") == GaussianMixture2D.circles())
        #expect(try GaussianMixture2D.named("grid25") == .grid25)
        #expect(try GaussianMixture2D.named("ring8") == .ring8)
        let error = #expect(throws: DatasetError.self) { try GaussianMixture2D.named("Squares") }
        #expect(error?.description == "unknown dataset 'Squares' — use one of: 'squares', 'circles', 'grid25', 'ring8'")
    }

    @Test func invalidParametersThrow() throws {
        #expect(throws: DatasetError.self) { try GaussianMixture2D.squares(modesPerSide: 0) }
        #expect(throws: DatasetError.self) { try GaussianMixture2D.squares(spacing: 0) }
        #expect(throws: DatasetError.self) { try GaussianMixture2D.circles(modeCount: 0) }
        #expect(throws: DatasetError.self) { try GaussianMixture2D.circles(standardDeviation: -1) }
        #expect(throws: DatasetError.self) { try GaussianMixture2D(centers: Tensor.zeros([3, 3]), standardDeviation: 1) }
        var random = RandomStream(seed: 1)
        let error = #expect(throws: DatasetError.self) { try GaussianMixture2D.ring8.sample(count: -1, random: &random) }
        #expect(error?.description == "ring8: count must be ≥ 0, got -1")
        #expect(try GaussianMixture2D.ring8.sample(count: 0, random: &random).shape == [0, 2])
    }

    @Test func theSameSeedGivesTheSameSamplesBitForBit() throws {
        let mixture = try GaussianMixture2D.squares()
        var first = RandomStream(seed: 42), second = RandomStream(seed: 42), other = RandomStream(seed: 43)
        let a = try mixture.sample(count: 1001, random: &first)
        let b = try mixture.sample(count: 1001, random: &second)
        let c = try mixture.sample(count: 1001, random: &other)
        #expect(a.shape == [1001, 2])
        #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
        #expect(a.scalars != c.scalars)
        #expect(first == second, "both streams advanced by the same amount")
        // The labelled variant draws the same numbers.
        var third = RandomStream(seed: 42)
        #expect(try mixture.sampleWithModes(count: 1001, random: &third).points.scalars == a.scalars)
    }

    /// Each mode receives ≈ N/K points, with mean μ_k and standard deviation σ per coordinate.
    /// Tolerances are 5 standard errors of each estimate.
    @Test func perModeMomentsMatch() throws {
        let sigma = 0.1
        let mixture = try GaussianMixture2D.squares(modesPerSide: 3, spacing: 2, standardDeviation: sigma)
        let n = 18_000, k = mixture.modeCount
        var random = RandomStream(seed: 7)
        let (points, modes) = try mixture.sampleWithModes(count: n, random: &random)
        let xy = points.scalars.map(Double.init)
        let expectedCount = Double(n) / Double(k)
        let countTolerance = 5 * (Double(n) * (1.0 / Double(k)) * (1 - 1.0 / Double(k))).squareRoot()
        for mode in 0..<k {
            let members = modes.indices.filter { modes[$0] == mode }
            #expect(abs(Double(members.count) - expectedCount) < countTolerance, "mode \(mode): \(members.count) points")
            let m = Double(members.count)
            for axis in 0..<2 {
                let values = members.map { xy[2 * $0 + axis] }
                let mean = values.reduce(0, +) / m
                let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (m - 1)).squareRoot()
                let center = Double(mixture.centerScalars[2 * mode + axis])
                #expect(abs(mean - center) < 5 * sigma / m.squareRoot(), "mode \(mode) axis \(axis): mean \(mean)")
                #expect(abs(std - sigma) < 5 * sigma / (2 * m).squareRoot(), "mode \(mode) axis \(axis): std \(std)")
            }
        }
    }
}
