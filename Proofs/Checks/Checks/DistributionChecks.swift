import Foundation

/// Checks of Proposition 1 and its generalisations on finite supports: each compares a claimed
/// closed form (a parameter) with what the mixed-batch procedure implies, over every batch.
///
/// Batches are visited one per multiset of support points, weighted by its number of orderings:
/// every quantity here is symmetric in the rows (`permutationSymmetry` verifies that on every
/// ordered batch of the small cases).
enum DistributionChecks {
    private static func describe(_ procedure: MixedBatchProcedure, _ batch: [Int]) -> String {
        "\(procedure.prior), p1=\(procedure.real), p2=\(procedure.generated), B=\(procedure.batchSize), y=\(batch)"
    }

    /// `labelMass(B, k)` equals `E_π[p^k (1−p)^{B−k}]`; `Σ_β P(β) = 1`; `Σ_β Q(β) = 1` with
    /// `Q(β) = P(β) · (#β/B) / c`; and `E[#β] = B · E[p*]` (= Ba/(a+b)) — for every B in `batchSizes`.
    static func labelPrior(prior: ProportionPrior, batchSizes: ClosedRange<Int>,
                           labelMass: (Int, Int) -> Fraction, ratioScale: Fraction) throws -> CheckOutcome {
        let density = try prior.density()
        var outcome = CheckOutcome()
        for b in batchSizes {
            var total = Fraction.zero, tilted = Fraction.zero, meanCount = Fraction.zero
            for k in 0...b {
                let claimed = labelMass(b, k)
                let truth = density.expectation(of: .bernoulliProduct(ones: k, length: b))
                outcome.expectEqual(claimed, truth, "\(prior), B=\(b), P(β) for #β=\(k)")
                let vectors = Fraction(Combinatorics.binomial(b, k))
                total += vectors * claimed
                tilted += vectors * claimed * Fraction(k, b) / ratioScale
                meanCount += vectors * claimed * Fraction(k)
            }
            outcome.expectEqual(total, .one, "\(prior), B=\(b), Σ_β P(β)")
            outcome.expectEqual(tilted, .one, "\(prior), B=\(b), Σ_β Q(β)")
            outcome.expectEqual(meanCount, Fraction(b) * prior.mean, "\(prior), B=\(b), E[#β] vs B·E[p*]")
        }
        return outcome
    }

    /// Uniform prior: `P(#β = k) = 1/(B+1)` for every k — uniform over the count, not over β
    /// (A4.12): for B ≥ 2 the all-fake vector and a one-real vector have different masses.
    static func uniformOverCounts(batchSizes: ClosedRange<Int>, labelMass: (Int, Int) -> Fraction) -> CheckOutcome {
        var outcome = CheckOutcome()
        for b in batchSizes {
            for k in 0...b {
                outcome.expectEqual(Fraction(Combinatorics.binomial(b, k)) * labelMass(b, k), Fraction(1, b + 1),
                                    "B=\(b), P(#β=\(k))")
            }
            if b >= 2 {
                outcome.expect(labelMass(b, 0) != labelMass(b, 1),
                               "B=\(b): P(β) is the same for #β=0 and #β=1, i.e. uniform over β")
            }
        }
        return outcome
    }

    /// The claimed batch density equals the procedure's batch distribution `P(y)` for every batch.
    static func batchDistribution(_ procedures: [MixedBatchProcedure], formula: (LabelSums) -> Fraction) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            for (batch, _) in procedure.batchTypes() {
                outcome.expectEqual(formula(procedure.labelSums(batch)), procedure.batchProbability(batch),
                                    describe(procedure, batch))
            }
        }
        return outcome
    }

    /// Both claimed densities on batches sum to exactly 1 over all `m^B` batches.
    static func normalisation(_ procedures: [MixedBatchProcedure], densities: [(name: String, formula: (LabelSums) -> Fraction)]) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            let types = procedure.batchTypes()
            let sums = types.map { procedure.labelSums($0.batch) }
            for density in densities {
                let total = zip(types, sums).map { $0.orderings * density.formula($1) }.sum()
                outcome.expectEqual(total, .one, "Σ_y \(density.name)(y), \(procedure.prior), p1=\(procedure.real), p2=\(procedure.generated), B=\(procedure.batchSize)")
            }
        }
        return outcome
    }

    /// The claimed optimal discriminator equals the posterior mean `E[#β/B | y]` computed from the procedure.
    static func optimalDiscriminator(_ procedures: [MixedBatchProcedure], formula: (LabelSums) -> Fraction) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            for (batch, _) in procedure.batchTypes() {
                outcome.expectEqual(formula(procedure.labelSums(batch)), procedure.posteriorRealFraction(batch),
                                    describe(procedure, batch))
            }
        }
        return outcome
    }

    /// B = 1: the claimed discriminator of the one-row batch (s) is `p1(s) / (p1(s) + p2(s))`.
    static func ganLimit(_ procedures: [MixedBatchProcedure], formula: (LabelSums) -> Fraction) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures where procedure.batchSize == 1 {
            for s in 0..<procedure.supportSize {
                outcome.expectEqual(formula(procedure.labelSums([s])),
                                    ThesisFormulas.ganOptimalDiscriminator(real: procedure.real[s], generated: procedure.generated[s]),
                                    describe(procedure, [s]))
            }
        }
        return outcome
    }

    /// When p1 = p2: `D* ≡ c` (½ for the uniform prior) and `P(y) = Q(y)` exactly, hence KL(P‖Q) = 0.
    static func equalDistributions(_ procedures: [MixedBatchProcedure], forms: ClosedForms) -> CheckOutcome {
        var outcome = CheckOutcome()
        for base in procedures {
            guard let procedure = try? MixedBatchProcedure(real: base.real, generated: base.real,
                                                           prior: base.prior, batchSize: base.batchSize) else { continue }
            var divergence = 0.0
            for (batch, orderings) in procedure.batchTypes() {
                let sums = procedure.labelSums(batch)
                outcome.expectEqual(forms.optimalDiscriminator(sums), forms.ratioScale, "D*, " + describe(procedure, batch))
                let p = forms.batchDensity(sums), q = forms.tiltedBatchDensity(sums)
                outcome.expectEqual(p, q, "P vs Q, " + describe(procedure, batch))
                divergence += orderings.doubleValue * p.doubleValue * Foundation.log(p.doubleValue / q.doubleValue)
            }
            outcome.expectClose(divergence, 0, tolerance: 1e-15, "KL(P‖Q), \(procedure.prior), p1=p2=\(procedure.real), B=\(procedure.batchSize)")
        }
        return outcome
    }

    /// Every ordering of every batch gives the same label sums, hence the same value of every closed
    /// form, as the sorted batch (checked on all `m^B` ordered batches, which justifies visiting
    /// one batch per multiset elsewhere); the procedure's `P(y)` is symmetric too.
    static func permutationSymmetry(_ procedures: [MixedBatchProcedure], forms: ClosedForms) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            for batch in Combinatorics.sequences(alphabetSize: procedure.supportSize, length: procedure.batchSize) {
                let sorted = batch.sorted()
                let (mine, reference) = (procedure.labelSums(batch), procedure.labelSums(sorted))
                outcome.expectEqual(forms.optimalDiscriminator(mine), forms.optimalDiscriminator(reference), "D*, " + describe(procedure, batch))
                outcome.expectEqual(forms.batchDensity(mine), forms.batchDensity(reference), "P, " + describe(procedure, batch))
                outcome.expectEqual(procedure.batchProbability(batch), procedure.batchProbability(sorted), "procedure P, " + describe(procedure, batch))
            }
        }
        return outcome
    }

    /// Generator objective at the optimum: `E_{y~P}[ln D*(y)] = ln c − KL(P ‖ Q)` (for the uniform
    /// prior `−ln 2 − KL(p_balanced ‖ p_unbalanced)`). The left side uses the procedure's batch
    /// distribution and posterior mean, the right side the claimed closed forms; Float64 logs.
    static let generatorObjectiveTolerance = 1e-12

    static func generatorObjective(_ procedures: [MixedBatchProcedure], forms: ClosedForms) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            var objective = 0.0, divergence = 0.0
            for (batch, orderings) in procedure.batchTypes() {
                let weight = orderings.doubleValue
                objective += weight * procedure.batchProbability(batch).doubleValue
                    * Foundation.log(procedure.posteriorRealFraction(batch).doubleValue)
                let sums = procedure.labelSums(batch)
                let p = forms.batchDensity(sums).doubleValue, q = forms.tiltedBatchDensity(sums).doubleValue
                divergence += weight * p * Foundation.log(p / q)
            }
            let context = "\(procedure.prior), p1=\(procedure.real), p2=\(procedure.generated), B=\(procedure.batchSize)"
            outcome.expectClose(objective, Foundation.log(forms.ratioScale.doubleValue) - divergence,
                                tolerance: generatorObjectiveTolerance, context)
            // KL(P‖Q) = 0 only when p1 = p2 (see GeneratorObjective.md); the random pairs differ.
            if procedure.real != procedure.generated {
                outcome.expect(divergence > generatorObjectiveTolerance, "KL(P‖Q) = \(divergence) although p1 ≠ p2, " + context)
            }
        }
        return outcome
    }
}
