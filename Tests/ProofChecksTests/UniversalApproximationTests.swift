import Testing
import TensorCore
@testable import ProofChecks

@Suite("Universal approximation experiment (Theorem 1, E4.T6)")
struct UniversalApproximationTests {
    @Test("targets take their hand-computed values, ties counted for the second-largest")
    func targetValues() {
        // mean 1, squared deviations 4, 0, 0, 4 → variance 2.
        #expect(abs(SymmetricTarget.standardDeviation.value(of: [[-1], [1], [1], [3]]) - 2.0.squareRoot()) < 1e-12)
        #expect(SymmetricTarget.maximum.value(of: [[-1], [0.5], [0.25]]) == 0.5)
        #expect(SymmetricTarget.secondLargest.value(of: [[2], [5], [5], [1]]) == 5)
        #expect(SymmetricTarget.secondLargest.value(of: [[2], [5], [4], [1]]) == 4)
        #expect(SymmetricTarget.sumOfCubes.value(of: [[1], [-2], [3]]) == 20)
        #expect(SymmetricTarget.largestNorm.value(of: [[3, 4], [-1, 0], [0, -6]]) == 6)
        #expect(SymmetricTarget.allCases.filter(\.isAverageOfElementFunction) == [.sumOfCubes])
        #expect(SymmetricTarget.allCases.filter { $0.elementDimension == 2 } == [.largestNorm])
    }

    @Test("sampled sets are [n, d] in [−1, 1), labelled with the target of their rows, reproducible")
    func sampledSets() {
        var random = RandomStream(seed: 5)
        let sets = SampledSets(count: 20, of: .largestNorm, setSize: 6, random: &random)
        for (input, value) in zip(sets.inputs, sets.values) {
            #expect(input.shape == [6, 2])
            #expect(input.scalars.allSatisfy { $0 >= -1 && $0 < 1 })
            let s: [Double] = input.scalars.map(Double.init)
            let norms: [Double] = (0..<6).map { (i: Int) -> Double in
                let (a, b) = (s[2 * i], s[2 * i + 1])
                return (a * a + b * b).squareRoot()
            }
            #expect(abs(value - norms.max()!) < 1e-12)
        }
        var again = RandomStream(seed: 5)
        #expect(SampledSets(count: 20, of: .largestNorm, setSize: 6, random: &again).values == sets.values)
        let mean = sets.values.reduce(0, +) / 20
        #expect(abs(sets.variance - sets.values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20) < 1e-12)
    }

    /// A table in the shape of a real measurement (widths 4, 16, 64), with one target's errors replaceable.
    private static func table(_ overrides: [SymmetricTarget: [SetNetworkVariant: [Double]]] = [:]) -> ApproximationTable {
        var errors: [SymmetricTarget: [SetNetworkVariant: [Double]]] = [
            .standardDeviation: [.equivariant: [0.04, 0.002, 0.0002], .deepSets: [0.31, 0.27, 0.27]],
            .maximum: [.equivariant: [0.09, 0.009, 0.006], .deepSets: [0.42, 0.42, 0.42]],
            .secondLargest: [.equivariant: [0.18, 0.09, 0.034], .deepSets: [0.28, 0.27, 0.27]],
            .sumOfCubes: [.equivariant: [0.004, 0.001, 0.0002], .deepSets: [0.004, 0.0002, 0.00001]],
            .largestNorm: [.equivariant: [0.53, 0.04, 0.014], .deepSets: [0.67, 0.25, 0.25]],
        ]
        errors.merge(overrides) { _, new in new }
        return ApproximationTable(setup: .standard, relativeErrors: errors)
    }

    @Test("the verdict passes a measured-looking table and prints it")
    func verdictPasses() {
        let outcome = UniversalApproximationChecks.verdict(Self.table(), criteria: .standard)
        #expect(outcome.passed, "\(outcome.firstFailure ?? "")")
        #expect(outcome.notes.count == 1 + 2 + SymmetricTarget.allCases.count)
        #expect(outcome.notes[4] == "| max | 0.0900 | 0.0090 | 0.0060 | 0.4200 | 0.4200 | 0.4200 |")
    }

    @Test("the verdict fails when the error grows with width, misses the ablation, is not finite, or Σx³ is not fitted",
          arguments: [
              // (a) one width step more than 1.25× worse.
              [SymmetricTarget.maximum: [SetNetworkVariant.equivariant: [0.09, 0.009, 0.02], .deepSets: [0.42, 0.42, 0.42]]],
              // (a) decreasing, but the largest width is not below half the smallest.
              [.secondLargest: [.equivariant: [0.18, 0.15, 0.12], .deepSets: [0.9, 0.9, 0.9]]],
              // (b) equivariant network no better than a quarter of the ablation.
              [.standardDeviation: [.equivariant: [0.4, 0.2, 0.08], .deepSets: [0.31, 0.27, 0.27]]],
              // (c) a non-finite error (diverged training), here in the ablation.
              [.largestNorm: [.equivariant: [0.53, 0.04, 0.014], .deepSets: [0.67, .nan, 0.25]]],
              // the ablation fails the per-element average.
              [.sumOfCubes: [.equivariant: [0.004, 0.001, 0.0002], .deepSets: [0.3, 0.2, 0.1]]],
              // a missing width.
              [.maximum: [.equivariant: [0.09, 0.009], .deepSets: [0.42, 0.42, 0.42]]],
          ])
    func verdictFails(_ override: [SymmetricTarget: [SetNetworkVariant: [Double]]]) {
        let outcome = UniversalApproximationChecks.verdict(Self.table(override), criteria: .standard)
        #expect(!outcome.passed)
        #expect(outcome.firstFailure?.contains(override.keys.first!.rawValue) == true, "\(outcome.firstFailure ?? "")")
    }

    /// Seeds 1–3 measured (debug build, width 16, 250 steps): Γ on max 0.16–0.18, ablation on max
    /// 0.36–0.41, Σx³ at most 0.18 for either variant.
    @Test("quick training: Γ fits the batch maximum far better than the constant predictor and the ablation; both fit Σx³")
    func quickTraining() throws {
        let table = try UniversalApproximationExperiment.run(.quick)
        let equivariantMax = try #require(table.errors(.maximum, .equivariant).first)
        let ablationMax = try #require(table.errors(.maximum, .deepSets).first)
        // The constant predictor scores 1; the best average of a per-element function about 0.4
        // on the maximum of 8 uniform elements (least squares on a 41-knot basis), so no training
        // can bring the ablation below 0.3.
        #expect(equivariantMax < 0.3, "\(table.markdown)")
        #expect(ablationMax >= 0.3, "\(table.markdown)")
        for variant in SetNetworkVariant.allCases {
            #expect(try #require(table.errors(.sumOfCubes, variant).first) < 0.25, "\(table.markdown)")
        }
    }

    @Test("the width sweep is registered only with the training checks (release runs)")
    func registration() {
        #expect(CheckRegistry.checks(.standard).contains { $0.name == "theorem1.width-sweep" })
        #expect(!CheckRegistry.checks(.quick).contains { $0.name.hasPrefix("theorem1.") })
    }

    @Test("a degenerate setup throws instead of trapping")
    func invalidSetup() {
        var setup = ApproximationSetup.quick
        setup.setSize = 1
        #expect(throws: ProofCheckError.self) {
            try UniversalApproximationExperiment.heldOutError(target: .maximum, width: 4, variant: .equivariant, setup: setup)
        }
    }
}
