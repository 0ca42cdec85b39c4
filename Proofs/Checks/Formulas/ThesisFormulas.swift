import BigInt

/// The formulas of thesis §4.3.2 and §4.7 (and the spec's derived generalisation, §3.9.1), written
/// as literally as possible: sums over label vectors β, grouped by `#β` through `LabelSums`.
enum ThesisFormulas {
    private static func binomial(_ n: Int, _ k: Int) -> Fraction { Fraction(Combinatorics.binomial(n, k)) }

    // MARK: Uniform prior (Proposition 1, [T 4.6–4.7])

    /// `P(β) = 1 / ((B + 1) C(B, #β))`: Beta-binomial with a = b = 1.
    static func uniformLabelMass(batchSize: Int, realCount: Int) -> Fraction {
        (Fraction(batchSize + 1) * binomial(batchSize, realCount)).reciprocal
    }

    /// `p_balanced(y) = 1/(B+1) · Σ_β p1(y)^β p2(y)^{1−β} / C(B, #β)`.
    static func balancedDensity(_ sums: LabelSums) -> Fraction {
        let b = sums.batchSize
        return sums.weighted { k in binomial(b, k).reciprocal } / Fraction(b + 1)
    }

    /// `p_unbalanced(y) = 2/(B+1) · Σ_β p1(y)^β p2(y)^{1−β} / C(B, #β) · #β/B`.
    static func unbalancedDensity(_ sums: LabelSums) -> Fraction {
        let b = sums.batchSize
        return Fraction(2, b + 1) * sums.weighted { k in Fraction(k, b) / binomial(b, k) }
    }

    /// `D*(y) = ½ · p_unbalanced(y) / p_balanced(y)` [T 4.6].
    static func uniformOptimalDiscriminator(_ sums: LabelSums) -> Fraction {
        Fraction(1, 2) * unbalancedDensity(sums) / balancedDensity(sums)
    }

    /// `D* = p1 / (p1 + p2)`: the standard GAN's optimal discriminator (the case B = 1).
    static func ganOptimalDiscriminator(real: Fraction, generated: Fraction) -> Fraction {
        real / (real + generated)
    }

    // MARK: Beta(a, b) prior ([T 4.17–4.27])

    /// `P(β) = B(#β + a, B − #β + b) / B(a, b)` [T 4.19].
    static func betaLabelMass(a: Int, b: Int, batchSize: Int, realCount: Int) -> Fraction {
        Combinatorics.betaFunction(realCount + a, batchSize - realCount + b) / Combinatorics.betaFunction(a, b)
    }

    /// `P(y) = Σ_β P(y|β) P(β)` [T 4.22–4.23].
    static func betaBatchDensity(a: Int, b: Int, _ sums: LabelSums) -> Fraction {
        sums.weighted { k in betaLabelMass(a: a, b: b, batchSize: sums.batchSize, realCount: k) }
    }

    /// `Q(y) = Σ_β P(y|β) Q(β)`, `Q(β) = (a+b)/a · P(β) · #β/B` [T 4.24–4.25].
    static func betaTiltedBatchDensity(a: Int, b: Int, _ sums: LabelSums) -> Fraction {
        let n = sums.batchSize
        return sums.weighted { k in
            Fraction(a + b, a) * betaLabelMass(a: a, b: b, batchSize: n, realCount: k) * Fraction(k, n)
        }
    }

    /// `D*(y) = a/(a+b) · Q(y)/P(y)` [T 4.26].
    static func betaOptimalDiscriminator(a: Int, b: Int, _ sums: LabelSums) -> Fraction {
        Fraction(a, a + b) * betaTiltedBatchDensity(a: a, b: b, sums) / betaBatchDensity(a: a, b: b, sums)
    }

    // MARK: Any prior (spec §3.9.1, derived generalisation)

    /// `P(y) = Σ_β w_{#β} P(y|β)` with `w_k = labelMass(B, k)`.
    static func generalBatchDensity(labelMass: (Int, Int) -> Fraction, _ sums: LabelSums) -> Fraction {
        sums.weighted { k in labelMass(sums.batchSize, k) }
    }

    /// `Q(y) = Σ_β (#β/B) w_{#β} P(y|β) / E[p*]`.
    static func generalTiltedBatchDensity(labelMass: (Int, Int) -> Fraction, priorMean: Fraction,
                                          _ sums: LabelSums) -> Fraction {
        let n = sums.batchSize
        return sums.weighted { k in Fraction(k, n) * labelMass(n, k) } / priorMean
    }

    /// `D*(y) = Σ_β (#β/B) w_{#β} P(y|β) / Σ_β w_{#β} P(y|β)`.
    static func generalOptimalDiscriminator(labelMass: (Int, Int) -> Fraction, _ sums: LabelSums) -> Fraction {
        let n = sums.batchSize
        return sums.weighted { k in Fraction(k, n) * labelMass(n, k) } / sums.weighted { k in labelMass(n, k) }
    }

    // MARK: Batch smoothing-γ (spec §3.9.1)

    /// `w_k = B(k+1, B−k+1)/(2γ) · [I_γ(k+1, B−k+1) + I_γ(B−k+1, k+1)]`; at γ = 0 the prior is two
    /// point masses (pure batches), `w_0 = w_B = ½`.
    static func smoothingLabelMass(gamma: Fraction, batchSize: Int, realCount k: Int) -> Fraction {
        if gamma.isZero {
            return (k == 0 ? Fraction(1, 2) : .zero) + (k == batchSize ? Fraction(1, 2) : .zero)
        }
        let a = k + 1, b = batchSize - k + 1
        return Combinatorics.betaFunction(a, b) / (Fraction(2) * gamma)
            * (regularisedIncompleteBeta(x: gamma, a: a, b: b) + regularisedIncompleteBeta(x: gamma, a: b, b: a))
    }

    /// `I_x(a, b) = Σ_{j=a}^{a+b−1} C(a+b−1, j) x^j (1−x)^{a+b−1−j}` for integers `a, b ≥ 1`: the
    /// probability that at least a of a+b−1 Bernoulli(x) trials succeed.
    static func regularisedIncompleteBeta(x: Fraction, a: Int, b: Int) -> Fraction {
        let n = a + b - 1
        return (a...n).map { j in binomial(n, j) * x.power(j) * (Fraction.one - x).power(n - j) }.sum()
    }

    // MARK: Pure batches (γ = 0, [T 4.1])

    /// `D*(y) = Π p1(y_i) / (Π p1(y_i) + Π p2(y_i))`.
    static func pureBatchOptimalDiscriminator(_ sums: LabelSums) -> Fraction {
        let allReal = sums.byRealCount[sums.batchSize], allFake = sums.byRealCount[0]
        return allReal / (allReal + allFake)
    }
}
