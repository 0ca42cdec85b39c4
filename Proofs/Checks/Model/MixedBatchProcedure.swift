/// The mixed-batch sampling procedure (spec §3.3) on a finite support, evaluated exactly.
///
/// Draw `p* ~ prior`, then labels `β_i ~ Bernoulli(p*)` independently, then row `i` from the data
/// distribution p1 when `β_i = 1` and from the generator distribution p2 otherwise. This type
/// computes what that procedure implies — the probability of a batch, the joint mass of batch and
/// labels, the posterior mean of the real fraction — directly from the procedure, never from the
/// thesis' closed forms, so that the closed forms can be checked against it.
struct MixedBatchProcedure: Sendable {
    let real: FiniteDistribution
    let generated: FiniteDistribution
    let prior: ProportionPrior
    let batchSize: Int
    let priorDensity: PriorDensity
    /// Per support point s: `p·p1(s) + (1 − p)·p2(s)`, the probability of one row as a polynomial in p.
    private let rowMass: [Polynomial]
    /// Per support point s: `p·p1(s)`, the probability that one row is real and equals s.
    private let realRowMass: [Polynomial]
    /// `labelMasses[k]`: P(β) for one label vector with k ones.
    let labelMasses: [Fraction]

    init(real: FiniteDistribution, generated: FiniteDistribution, prior: ProportionPrior, batchSize: Int) throws {
        guard real.supportSize == generated.supportSize else {
            throw ProofCheckError("MixedBatchProcedure: p1 has \(real.supportSize) support points but p2 has \(generated.supportSize); use one support")
        }
        guard batchSize >= 1 else {
            throw ProofCheckError("MixedBatchProcedure: batch size \(batchSize) must be ≥ 1")
        }
        self.real = real
        self.generated = generated
        self.prior = prior
        self.batchSize = batchSize
        let density = try prior.density()
        self.priorDensity = density
        rowMass = (0..<real.supportSize).map { s in
            Polynomial.linear(constant: generated[s], slope: real[s] - generated[s])
        }
        realRowMass = (0..<real.supportSize).map { s in Polynomial([.zero, real[s]]) }
        labelMasses = (0...batchSize).map { k in
            density.expectation(of: .bernoulliProduct(ones: k, length: batchSize))
        }
    }

    var supportSize: Int { real.supportSize }

    /// `P(y) = E_π[Π_i (p·p1(y_i) + (1−p)·p2(y_i))]`: labels marginalised row by row.
    func batchProbability(_ batch: [Int]) -> Fraction {
        priorDensity.expectation(of: batch.reduce(Polynomial.one) { $0 * rowMass[$1] })
    }

    /// `E[(#β/B) · 1{batch = y}] = E_π[(1/B) Σ_j p·p1(y_j) Π_{i≠j} (p·p1(y_i) + (1−p)·p2(y_i))]`.
    func realFractionMass(_ batch: [Int]) -> Fraction {
        var prefix = [Polynomial.one]
        for s in batch { prefix.append(prefix.last! * rowMass[s]) }
        var suffix = Polynomial.one
        var total = Polynomial.zero
        for j in batch.indices.reversed() {
            total = total + prefix[j] * realRowMass[batch[j]] * suffix
            suffix = suffix * rowMass[batch[j]]
        }
        return priorDensity.expectation(of: total) / Fraction(batchSize)
    }

    /// `E[#β/B | y]`, the posterior mean of the real fraction (the optimal discriminator, [T 4.20]).
    func posteriorRealFraction(_ batch: [Int]) -> Fraction {
        realFractionMass(batch) / batchProbability(batch)
    }

    /// `P(y | β) = Π_i p1(y_i)^{β_i} p2(y_i)^{1−β_i}` [T 4.28].
    func likelihood(of batch: [Int], labels: [Bool]) -> Fraction {
        zip(batch, labels).reduce(Fraction.one) { $0 * ($1.1 ? real[$1.0] : generated[$1.0]) }
    }

    /// Calls `body(#β, P(y | β))` once for every one of the `2^B` label vectors β (depth-first,
    /// sharing prefix products).
    func forEachLabelVector(of batch: [Int], _ body: (_ realCount: Int, _ likelihood: Fraction) -> Void) {
        func visit(_ position: Int, _ realCount: Int, _ product: Fraction) {
            if position == batch.count { body(realCount, product); return }
            let s = batch[position]
            visit(position + 1, realCount + 1, product * real[s])
            visit(position + 1, realCount, product * generated[s])
        }
        visit(0, 0, .one)
    }

    /// `A_k(y) = Σ_{β: #β = k} P(y | β)` for k = 0…B, by enumerating every β.
    func labelSums(_ batch: [Int]) -> LabelSums {
        var sums = [Fraction](repeating: .zero, count: batch.count + 1)
        forEachLabelVector(of: batch) { k, likelihood in sums[k] += likelihood }
        return LabelSums(byRealCount: sums)
    }

    /// Every batch, one per multiset of support points, with its number of orderings.
    func batchTypes() -> [(batch: [Int], orderings: Fraction)] {
        Combinatorics.multisets(alphabetSize: supportSize, length: batchSize).map { ($0.sequence, Fraction($0.permutations)) }
    }
}

/// The likelihoods of one batch y grouped by the number of real labels:
/// `byRealCount[k] = Σ_{β: #β = k} Π_i p1(y_i)^{β_i} p2(y_i)^{1−β_i}`.
///
/// Every closed form of Proposition 1 and its generalisations is a sum over β whose summand depends
/// on β only through `P(y | β)` and `#β`, so it is a function of these B + 1 numbers.
struct LabelSums: Sendable {
    let byRealCount: [Fraction]
    var batchSize: Int { byRealCount.count - 1 }

    /// `Σ_k weight(k) · A_k(y)`.
    func weighted(_ weight: (Int) -> Fraction) -> Fraction {
        byRealCount.enumerated().map { weight($0.offset) * $0.element }.sum()
    }
}
