import Foundation
import Testing
import TensorCore
@testable import Evaluation

/// PRD curves (Sajjadi et al. 2018) against their closed forms, their symmetry, and k-means on
/// separated clusters.
@Suite struct PrecisionRecallDistributionsTests {
    /// P = (½, ½), Q = (1, 0): α(λ) = min(λ/2, 1), β(λ) = min(½, 1/λ). The frontier is
    /// precision 1 up to recall ½, so the area is ½; F₈ and F₁/₈ peak at (1, ½).
    @Test func aModelOnHalfTheDataHasItsClosedForm() throws {
        let curve = try PRDCurve.between(reference: [0.5, 0.5], model: [1, 0])
        for (index, (p, r)) in zip(curve.precision, curve.recall).enumerated() {
            let slope = tan(1e-10 + (Double.pi / 2 - 2e-10) * Double(index) / 1_000)
            #expect(Swift.abs(p - min(slope / 2, 1)) < 1e-9 && Swift.abs(r - min(0.5, 1 / slope)) < 1e-9, "\(index): \(p), \(r)")
        }
        #expect(Swift.abs(curve.area - 0.5) < 1e-3, "\(curve.area)")
        #expect(Swift.abs(curve.recallScore - 65 * 0.5 / (64 + 0.5)) < 1e-3, "\(curve.recallScore)")
        #expect(Swift.abs(curve.precisionScore - (65.0 / 64) * 0.5 / (1.0 / 64 + 0.5)) < 1e-3, "\(curve.precisionScore)")
    }

    @Test func equalDistributionsReachTheCornerAndDisjointOnesStayAtTheOrigin() throws {
        let equal = try PRDCurve.between(reference: [1, 2, 3, 4], model: [2, 4, 6, 8])
        #expect(Swift.abs(equal.area - 1) < 2e-3, "\(equal.area)")  // 1,001 slopes: the corner is cut by ~1e-3
        #expect(zip(equal.precision, equal.recall).map { min($0, $1) }.max()! > 1 - 1e-2)
        #expect(equal.recallScore > 0.99 && equal.precisionScore > 0.99)
        let disjoint = try PRDCurve.between(reference: [1, 1, 0, 0], model: [0, 0, 3, 1])
        #expect(disjoint.precision.allSatisfy { $0 == 0 } && disjoint.recall.allSatisfy { $0 == 0 } && disjoint.area == 0)
    }

    /// Swapping data and model swaps precision and recall: the slope grid is symmetric about
    /// π/4, where λ ↦ 1/λ, so point i of one curve is point n − 1 − i of the other, transposed.
    @Test func swappingDataAndModelSwapsPrecisionAndRecall() throws {
        var random = RandomStream(seed: 3)
        for _ in 0..<5 {
            let p = random.uniform([7]).scalars.map(Double.init), q = random.uniform([7]).scalars.map { Double($0 * $0) }
            let forward = try PRDCurve.between(reference: p, model: q, angles: 201)
            let backward = try PRDCurve.between(reference: q, model: p, angles: 201)
            for i in 0..<201 {
                #expect(Swift.abs(forward.precision[i] - backward.recall[200 - i]) < 1e-6)
                #expect(Swift.abs(forward.recall[i] - backward.precision[200 - i]) < 1e-6)
            }
            #expect(forward.recall.first! <= 1 && forward.precision.last! <= 1)
        }
    }

    /// Four well-separated blobs: k-means puts each in its own cluster; a model that draws two of
    /// the four keeps precision near 1 and recall near ½; one of the same distribution scores
    /// near the corner.
    @Test func featureCurvesSeeMissingModes() throws {
        var random = RandomStream(seed: 11)
        let centres: [[Float]] = [[0, 0], [10, 0], [0, 10], [10, 10]]
        func blobs(_ modes: [Int], perMode: Int) -> Tensor {
            var values: [Float] = []
            for mode in modes { for _ in 0..<perMode { values += zip(centres[mode], random.normal([2]).scalars).map { $0 + 0.3 * $1 } } }
            return try! Tensor(shape: [modes.count * perMode, 2], scalars: values)
        }
        let real = blobs([0, 1, 2, 3], perMode: 100)
        var stream = RandomStream(seed: 12)
        let clustering = try KMeans(FeatureMatrix(real), clusters: 4, random: &stream)
        for mode in 0..<4 {
            #expect(Set(clustering.assignments[(mode * 100)..<((mode + 1) * 100)]).count == 1)
        }
        #expect(Set(clustering.assignments).count == 4)

        let half = try precisionRecallDistributions(real: real, generated: blobs([0, 1, 0, 1], perMode: 100), clusters: 4, runs: 3,
                                                    random: RandomStream(seed: 13))
        #expect(half.precisionScore > 0.95 && Swift.abs(half.recallScore - 0.5) < 0.05, "\(half.precisionScore), \(half.recallScore)")
        #expect(Swift.abs(half.area - 0.5) < 0.05, "\(half.area)")
        let same = try precisionRecallDistributions(real: real, generated: blobs([0, 1, 2, 3], perMode: 100), clusters: 20, runs: 3,
                                                    random: RandomStream(seed: 14))
        #expect(same.area > 0.85 && same.area > half.area + 0.3, "\(same.area)")
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: TensorError.self) { try PRDCurve.between(reference: [1, 0], model: [1]) }
        #expect(throws: TensorError.self) { try PRDCurve.between(reference: [0, 0], model: [1, 1]) }
        #expect(throws: TensorError.self) { try PRDCurve.between(reference: [1, -1], model: [1, 1]) }
        #expect(throws: TensorError.self) {
            try precisionRecallDistributions(real: .zeros([5, 2]), generated: .zeros([5, 3]), random: RandomStream(seed: 1))
        }
        var random = RandomStream(seed: 2)
        #expect(throws: TensorError.self) { try KMeans(FeatureMatrix(Tensor.zeros([3, 2])), clusters: 4, random: &random) }
    }
}
