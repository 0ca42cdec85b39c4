/// Where the discriminator's cross-entropy loss (spec §3.3, [T 4.4] up to a constant) is minimal,
/// computed from the loss itself by enumerating every label vector β of every batch.
enum LossChecks {
    /// How the loss meets the per-row outputs `o_1…o_B` of the last equivariant layer [T 4.13–4.14].
    enum Placement {
        /// BGAN: `ℓ(mean_i o_i, #β/B)`.
        case batchMean
        /// M-BGAN: `mean_i ℓ(o_i, #β/B)`.
        case perSample
    }

    /// `∂/∂o_i E_β[L(o) 1{batch = y}]` for the cross-entropy `ℓ(o, u) = −u ln o − (1−u) ln(1−o)`,
    /// summed over every β with weight `P(β) P(y|β)`; exact, since `∂ℓ/∂o = (o − u)/(o(1−o))`.
    /// `outputs` must lie strictly inside (0, 1).
    static func expectedLossGradient(_ procedure: MixedBatchProcedure, batch: [Int], outputs: [Fraction],
                                     placement: Placement) -> [Fraction] {
        let b = procedure.batchSize
        // Σ_β P(y, β) · (o − #β/B) for a fixed o only needs Σ_β P(y, β) and Σ_β P(y, β) #β/B.
        var mass = Fraction.zero, realFraction = Fraction.zero
        procedure.forEachLabelVector(of: batch) { k, likelihood in
            let joint = procedure.labelMasses[k] * likelihood
            mass += joint
            realFraction += joint * Fraction(k, b)
        }
        func derivative(at o: Fraction) -> Fraction { (o * mass - realFraction) / (o * (.one - o)) }
        switch placement {
        case .batchMean:
            let mean = outputs.sum() / Fraction(outputs.count)
            return Array(repeating: derivative(at: mean) / Fraction(outputs.count), count: outputs.count)
        case .perSample:
            return outputs.map { derivative(at: $0) / Fraction(outputs.count) }
        }
    }

    /// The expected cross-entropy has zero derivative at the claimed D*(y), for every batch (the
    /// loss is strictly convex in D, so this is its unique minimiser).
    static func stationarity(_ procedures: [MixedBatchProcedure], formula: (LabelSums) -> Fraction) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            for (batch, _) in procedure.batchTypes() {
                let claimed = formula(procedure.labelSums(batch))
                guard claimed > .zero, claimed < .one else {
                    outcome.expect(false, "claimed D*=\(claimed) outside (0,1), \(procedure.prior), B=\(procedure.batchSize), y=\(batch)")
                    continue
                }
                let gradient = expectedLossGradient(procedure, batch: batch, outputs: [claimed], placement: .batchMean)
                outcome.expectEqual(gradient[0], .zero, "∂L/∂D at claimed D*, \(procedure.prior), p1=\(procedure.real), p2=\(procedure.generated), B=\(procedure.batchSize), y=\(batch)")
            }
        }
        return outcome
    }

    /// M-BGAN: every per-row output has the same optimum, the claimed D*(y) — the gradient vanishes
    /// there — and only there: spreading two outputs apart around D* keeps the BGAN gradient at
    /// zero (it only sees the mean) but not the M-BGAN one.
    static func perSampleOptimum(_ procedures: [MixedBatchProcedure], formula: (LabelSums) -> Fraction) -> CheckOutcome {
        var outcome = CheckOutcome()
        for procedure in procedures {
            for (batch, _) in procedure.batchTypes() {
                let context = "\(procedure.prior), p1=\(procedure.real), p2=\(procedure.generated), B=\(procedure.batchSize), y=\(batch)"
                let claimed = formula(procedure.labelSums(batch))
                guard claimed > .zero, claimed < .one else {
                    outcome.expect(false, "claimed optimum \(claimed) outside (0,1), " + context)
                    continue
                }
                let atOptimum = expectedLossGradient(procedure, batch: batch,
                                                     outputs: Array(repeating: claimed, count: batch.count), placement: .perSample)
                for (i, g) in atOptimum.enumerated() { outcome.expectEqual(g, .zero, "M-BGAN ∂L/∂o_\(i) at o ≡ D*, " + context) }
                guard batch.count >= 2 else { continue }
                let delta = min(claimed, .one - claimed) / Fraction(2)
                var spread = Array(repeating: claimed, count: batch.count)
                spread[0] += delta
                spread[1] -= delta
                let perSample = expectedLossGradient(procedure, batch: batch, outputs: spread, placement: .perSample)
                outcome.expect(!perSample[0].isZero && !perSample[1].isZero, "M-BGAN gradient vanishes off the optimum, " + context)
                let batchMean = expectedLossGradient(procedure, batch: batch, outputs: spread, placement: .batchMean)
                outcome.expectEqual(batchMean[0], .zero, "BGAN ∂L/∂o_0 with the same mean, " + context)
            }
        }
        return outcome
    }
}
