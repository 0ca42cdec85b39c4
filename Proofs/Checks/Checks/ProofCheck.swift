/// One executable check of a statement of chapter 4: a name (`family.statement`), the statement in
/// words and the computation that verifies it.
struct ProofCheck {
    let name: String
    let statement: String
    let run: () throws -> CheckOutcome
}

/// Which finite supports, batch sizes and random distribution pairs the distribution checks sweep.
struct ScenarioGrid: Sendable {
    /// Number of support points of p1 and p2.
    var supportSizes: [Int]
    /// Batch sizes B.
    var batchSizes: ClosedRange<Int>
    /// Random (p1, p2) pairs per support size.
    var pairsPerSupport: Int
    /// Seed of the `RandomStream` that draws the distributions.
    var seed: UInt64

    /// What `ProofChecks` runs: 2–4 support points, B = 1…8, two random pairs each.
    static let full = ScenarioGrid(supportSizes: [2, 3, 4], batchSizes: 1...8, pairsPerSupport: 2, seed: 2018)
    /// The same sizes with one random pair, for the Beta and smoothing-γ priors (the cost grows
    /// like C(B + m − 1, B) · B³ per pair and prior).
    static let reduced = ScenarioGrid(supportSizes: [2, 3, 4], batchSizes: 1...8, pairsPerSupport: 1, seed: 2019)
}

import TensorCore

extension ScenarioGrid {
    /// The random (p1, p2) pairs of this grid, reproducible from `seed`.
    func distributionPairs() -> [(real: FiniteDistribution, generated: FiniteDistribution)] {
        let root = RandomStream(seed: seed)
        return supportSizes.flatMap { m in
            (0..<pairsPerSupport).map { pair in
                var stream = root.split("support-\(m)-pair-\(pair)")
                let real = FiniteDistribution.random(supportSize: m, using: &stream)
                let generated = FiniteDistribution.random(supportSize: m, using: &stream)
                return (real, generated)
            }
        }
    }

    /// One procedure per (pair, batch size) of this grid, for `prior`.
    func procedures(prior: ProportionPrior) throws -> [MixedBatchProcedure] {
        try distributionPairs().flatMap { pair in
            try batchSizes.map { b in
                try MixedBatchProcedure(real: pair.real, generated: pair.generated, prior: prior, batchSize: b)
            }
        }
    }
}
