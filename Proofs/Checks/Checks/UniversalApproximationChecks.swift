/// What the universal-approximation experiment must show for the check to pass (spec E4.T6).
/// The bounds leave room for the seed-to-seed spread measured in
/// `Proofs/UniversalApproximationExperiment.md`.
struct ApproximationCriteria: Sendable {
    /// (a) For targets that are not averages of a per-element function, the equivariant network's
    /// error may grow from one width to the next by at most this factor (training noise)…
    var widthStepSlack: Double
    /// …and at the largest width it must be at most this fraction of the error at the smallest.
    var largestToSmallestWidth: Double
    /// (b) At the largest width, on those targets, the equivariant network's error is at most this
    /// fraction of the Deep-Sets ablation's.
    var ablationFraction: Double
    /// Both variants must fit the per-element average `Σx³` at the largest width below this error
    /// (the ablation is not simply broken).
    var averageTargetError: Double

    static let standard = ApproximationCriteria(widthStepSlack: 1.25, largestToSmallestWidth: 0.5,
                                                ablationFraction: 0.25, averageTargetError: 0.05)
}

/// Theorem 1 (spec §3.9.2) in practice: the verdict on an `ApproximationTable`.
enum UniversalApproximationChecks {
    /// Checks (a) error decreasing with width where elements must interact, (b) the equivariant
    /// network beating the ablation there at the largest width, (c) every error finite, and that
    /// both variants fit the per-element average. The table is attached as notes.
    static func verdict(_ table: ApproximationTable, criteria: ApproximationCriteria) -> CheckOutcome {
        var outcome = CheckOutcome()
        let widths = table.setup.widths
        for target in table.setup.targets {
            for variant in SetNetworkVariant.allCases {
                let errors = table.errors(target, variant)
                outcome.expect(errors.count == widths.count && errors.allSatisfy(\.isFinite),
                               "\(target.rawValue), \(variant.rawValue): errors \(errors) are not all finite")
            }
            let equivariant = table.errors(target, .equivariant), deepSets = table.errors(target, .deepSets)
            guard let largest = equivariant.last, let ablation = deepSets.last else { continue }
            if target.isAverageOfElementFunction {
                outcome.expect(largest <= criteria.averageTargetError && ablation <= criteria.averageTargetError,
                               "\(target.rawValue) at width \(widths.last!): equivariant \(largest), deep-sets \(ablation) > \(criteria.averageTargetError)")
                continue
            }
            for (i, pair) in zip(equivariant, equivariant.dropFirst()).enumerated() {
                outcome.expect(pair.1 <= criteria.widthStepSlack * pair.0,
                               "\(target.rawValue): error \(pair.1) at width \(widths[i + 1]) exceeds \(criteria.widthStepSlack) × \(pair.0) at width \(widths[i])")
            }
            if widths.count > 1 {
                outcome.expect(largest <= criteria.largestToSmallestWidth * equivariant[0],
                               "\(target.rawValue): error \(largest) at width \(widths.last!) is not below \(criteria.largestToSmallestWidth) × \(equivariant[0]) at width \(widths[0])")
            }
            outcome.expect(largest <= criteria.ablationFraction * ablation,
                           "\(target.rawValue) at width \(widths.last!): equivariant \(largest) is not below \(criteria.ablationFraction) × deep-sets \(ablation)")
        }
        outcome.notes = ["held-out relative error (MSE / target variance; constant predictor = 1), n = \(table.setup.setSize):"]
            + table.markdown
        return outcome
    }

    static func registered(_ setup: ApproximationSetup = .standard,
                           criteria: ApproximationCriteria = .standard) -> [ProofCheck] {
        let widths = setup.widths.map(String.init).joined(separator: ", ")
        return [
            ProofCheck(name: "theorem1.width-sweep",
                       statement: "invariant networks of widths \(widths) fitted to std, max, second-largest, Σx³, max‖x‖ (n = \(setup.setSize)): the error falls with width (each step ≤ \(criteria.widthStepSlack)×, largest ≤ \(criteria.largestToSmallestWidth)× smallest) and at the largest width is ≤ \(criteria.ablationFraction)× the Deep-Sets ablation's wherever elements must interact; both fit Σx³ below \(criteria.averageTargetError)") {
                verdict(try UniversalApproximationExperiment.run(setup), criteria: criteria)
            },
        ]
    }
}
