import Foundation
import TensorCore

/// The claimed closed forms against batches actually drawn by the mixed-batch procedure.
enum MonteCarloChecks {
    /// Statistical tolerance, in standard errors: each cell may deviate by at most this many.
    static let standardErrors = 5.0

    /// Which sampler draws the batches.
    enum Sampler {
        /// `MixedBatchSampler`: the procedure written out step by step in Float64 (this target).
        case reference
        /// `ProjectMixedBatchSampler`: `Adversarial.MixedBatch.draw` with the project's priors.
        case project
    }

    /// Draws `samples` batches from each procedure with `sampler` and checks (1) the frequency of every
    /// batch (as a multiset) against the claimed `P(y)` summed over its orderings, and (2) the
    /// average real fraction among the draws of each batch against the claimed `D*(y)`, each within
    /// `standardErrors` standard errors (binomial for (1); the exact posterior spread of #β/B for (2)).
    static func samplingDistribution(_ procedures: [MixedBatchProcedure], forms: ClosedForms,
                                     samples: Int, seed: UInt64, sampler: Sampler = .reference) throws -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, procedure) in procedures.enumerated() {
            let stream = RandomStream(seed: seed).split(UInt64(index))
            let draw: () throws -> (batch: [Int], realCount: Int)
            switch sampler {
            case .reference:
                var source = try MixedBatchSampler(real: procedure.real, generated: procedure.generated, prior: procedure.prior,
                                                   batchSize: procedure.batchSize, stream: stream)
                draw = { source.next() }
            case .project:
                var source = try ProjectMixedBatchSampler(real: procedure.real, generated: procedure.generated,
                                                          prior: procedure.prior, batchSize: procedure.batchSize, stream: stream)
                draw = { try source.next() }
            }
            var counts = [[Int]: Int](), realTotals = [[Int]: Int]()
            for _ in 0..<samples {
                let draw = try draw()
                let key = draw.batch.sorted()
                counts[key, default: 0] += 1
                realTotals[key, default: 0] += draw.realCount
            }
            let b = procedure.batchSize
            for (batch, orderings) in procedure.batchTypes() {
                let context = "\(procedure.prior), p1=\(procedure.real), p2=\(procedure.generated), B=\(b), y=\(batch)"
                let sums = procedure.labelSums(batch)
                let probability = (orderings * forms.batchDensity(sums)).doubleValue
                let seen = counts[batch] ?? 0
                let frequency = Double(seen) / Double(samples)
                let frequencyError = (probability * (1 - probability) / Double(samples)).squareRoot()
                outcome.expectClose(frequency, probability, tolerance: standardErrors * frequencyError + 1 / Double(samples),
                                    "frequency, " + context)
                guard seen >= 100 else { continue }
                let claimed = forms.optimalDiscriminator(sums).doubleValue
                let secondMoment = (sums.weighted { k in Fraction(k * k, b * b) * procedure.labelMasses[k] }
                    / procedure.batchProbability(batch)).doubleValue
                let spread = max(secondMoment - claimed * claimed, 0).squareRoot()
                let average = Double(realTotals[batch] ?? 0) / Double(b * seen)
                outcome.expectClose(average, claimed, tolerance: standardErrors * spread / Double(seen).squareRoot() + 1e-12,
                                    "mean #β/B, " + context)
            }
        }
        return outcome
    }
}
