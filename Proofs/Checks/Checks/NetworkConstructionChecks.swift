import TensorCore

/// Exact checks of the network constructions in the proof of Theorem 2 (thesis §4.8.1–4.8.2):
/// Definition 3's layer, Lemma 3 (concatenation), Lemma 5 (sum, with its gap mended) and Lemma 6
/// (broadcast).
///
/// The proofs use only that the activation is continuous, pointwise and invertible onto its
/// range, so the checks use the softsign `act(x) = x/(1+|x|)` (range (−1, 1), inverse
/// `y/(1−|y|)`), which is rational: every construction is then verified exactly.
enum NetworkConstructionChecks {
    /// A batch of feature vectors, `[n][channels]`.
    typealias BatchMatrix = [[Fraction]]

    static func activation(_ x: Fraction) -> Fraction { x / (.one + x.magnitude) }
    static func inverseActivation(_ y: Fraction) -> Fraction { y / (.one - y.magnitude) }

    /// ρ: the mean over rows [T 4.31].
    static func rowMean(_ x: BatchMatrix) -> [Fraction] {
        (0..<x[0].count).map { j in x.map { $0[j] }.sum() / Fraction(x.count) }
    }

    /// One layer of Definition 3 [T 4.32]: `g(x)_{i,j} = Σ_p Γ_{j,p} act(x)_{i,p} + Σ_p Λ_{j,p} ρ(act(x))_p + β_j`
    /// (Γ per row, Λ on the row mean — the roles [T 4.12] calls Λ and Γ — and act on the input).
    /// Shapes: Γ, Λ are `[out][in]`, β is `[out]`; `[n][in] -> [n][out]`.
    struct Layer {
        var gamma: [[Fraction]]
        var lambda: [[Fraction]]
        var bias: [Fraction]

        func callAsFunction(_ x: BatchMatrix) -> BatchMatrix {
            let activated = x.map { $0.map(activation) }
            let mean = rowMean(activated)
            let pooled = lambda.map { row in zip(row, mean).map { $0 * $1 }.sum() }
            return activated.map { sample in
                gamma.indices.map { j in zip(gamma[j], sample).map { $0 * $1 }.sum() + pooled[j] + bias[j] }
            }
        }

        static func random(inputs: Int, outputs: Int, using stream: inout RandomStream) -> Layer {
            // Small entries: exact values grow quickly through the rational activation.
            Layer(gamma: (0..<outputs).map { _ in stream.fractions(inputs, maxNumerator: 3, maxDenominator: 2) },
                  lambda: (0..<outputs).map { _ in stream.fractions(inputs, maxNumerator: 3, maxDenominator: 2) },
                  bias: stream.fractions(outputs, maxNumerator: 3, maxDenominator: 2))
        }
    }

    static func apply(_ network: [Layer], _ x: BatchMatrix) -> BatchMatrix { network.reduce(x) { $1($0) } }

    static func concatenateChannels(_ a: BatchMatrix, _ b: BatchMatrix) -> BatchMatrix { zip(a, b).map { $0 + $1 } }

    /// Lemma 3, corrected base: the first layers read the same input, so their kernels are
    /// **stacked**; every later layer reads its own half, so its kernels are block-diagonal.
    static func concatenateNetworks(_ first: [Layer], _ second: [Layer]) -> [Layer] {
        precondition(first.count == second.count && !first.isEmpty, "Lemma 3 needs two networks of equal, positive depth")
        func blockDiagonal(_ a: [[Fraction]], _ b: [[Fraction]]) -> [[Fraction]] {
            let aColumns = a.first?.count ?? 0, bColumns = b.first?.count ?? 0
            return a.map { $0 + Array(repeating: .zero, count: bColumns) } + b.map { Array(repeating: .zero, count: aColumns) + $0 }
        }
        return zip(first, second).enumerated().map { depth, pair in
            let (f, g) = pair
            if depth == 0 { return Layer(gamma: f.gamma + g.gamma, lambda: f.lambda + g.lambda, bias: f.bias + g.bias) }
            return Layer(gamma: blockDiagonal(f.gamma, g.gamma), lambda: blockDiagonal(f.lambda, g.lambda), bias: f.bias + g.bias)
        }
    }

    private static func randomNetwork(widths: [Int], using stream: inout RandomStream) -> [Layer] {
        zip(widths, widths.dropFirst()).map { Layer.random(inputs: $0, outputs: $1, using: &stream) }
    }

    private static func randomBatch(rows: Int, channels: Int, using stream: inout RandomStream) -> BatchMatrix {
        (0..<rows).map { _ in stream.fractions(channels) }
    }

    /// Definition 2: Definition-3 networks commute with every permutation of the rows (n = 4, all
    /// 24 permutations), and their ρ-reduction (Definition 4) is invariant.
    static func equivariance(trials: Int, seed: UInt64) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for trial in 0..<trials {
            let network = randomNetwork(widths: [2, 3, 1], using: &stream)
            let x = randomBatch(rows: 4, channels: 2, using: &stream)
            let y = apply(network, x)
            for pi in Combinatorics.permutations(4) {
                let permuted = apply(network, pi.map { x[$0] })
                outcome.expect(permuted == pi.map { y[$0] }, "trial \(trial): f(x_π) ≠ f(x)_π for π=\(pi)")
                outcome.expectEqual(rowMean(permuted)[0], rowMean(y)[0], "trial \(trial): ρ(f(x_π)) vs ρ(f(x)), π=\(pi)")
            }
        }
        return outcome
    }

    /// Lemma 3: `combine(f1, f2)` applied to x equals the channel concatenation of f1(x) and f2(x)
    /// (depths 1–3, different widths).
    static func concatenation(trials: Int, seed: UInt64,
                              combine: ([Layer], [Layer]) -> [Layer] = concatenateNetworks) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for trial in 0..<trials {
            for depth in 1...3 {
                let f1 = randomNetwork(widths: [2] + Array(repeating: 3, count: depth - 1) + [2], using: &stream)
                let f2 = randomNetwork(widths: [2] + Array(repeating: 2, count: depth - 1) + [1], using: &stream)
                let x = randomBatch(rows: 3, channels: 2, using: &stream)
                outcome.expect(apply(combine(f1, f2), x) == concatenateChannels(apply(f1, x), apply(f2, x)),
                               "trial \(trial), depth \(depth): concatenated network ≠ concatenation of outputs")
            }
        }
        return outcome
    }

    /// The summing kernel of Lemma 5, `Γ_{i,j} = 1` if `j = i` or `j = offset + i` (`[l][2l]`).
    /// The thesis writes offset k (the input width); the matching channel is at offset l.
    static func summingKernel(channels l: Int, offset: Int) -> [[Fraction]] {
        (0..<l).map { i in (0..<(2 * l)).map { j in (j == i || j == offset + i) ? .one : .zero } }
    }

    /// Lemma 5 mended: scale into act's range, apply act⁻¹ pointwise (Lemma 2 approximates this
    /// continuous map on the compact f(K); here it is exact), then a Definition-3 layer with the
    /// summing kernel divided by α: the output is exactly f1 + f2.
    static func mendedSum(_ f1: BatchMatrix, _ f2: BatchMatrix) -> BatchMatrix {
        let both = concatenateChannels(f1, f2)
        let largest = both.flatMap { $0 }.map(\.magnitude).max() ?? .zero
        let alpha = (Fraction(2) * (largest + .one)).reciprocal
        let prepared = both.map { $0.map { inverseActivation(alpha * $0) } }
        let l = f1[0].count
        let layer = Layer(gamma: summingKernel(channels: l, offset: l).map { $0.map { $0 / alpha } },
                          lambda: Array(repeating: Array(repeating: .zero, count: 2 * l), count: l),
                          bias: Array(repeating: .zero, count: l))
        return layer(prepared)
    }

    /// Lemma 5: `sum(f1, f2) = f1 + f2` exactly for random f-values (n = 3 rows, l = 2 channels).
    /// Also records the two defects of the written proof (A4.14): the literal composition
    /// (summing layer right after the concatenation) yields act(f1) + act(f2), which is neither
    /// f1 + f2 nor act(f1 + f2); and the offset k ≠ l (here k = 3) does not add matching channels.
    static func sumConstruction(trials: Int, seed: UInt64,
                                sum: (BatchMatrix, BatchMatrix) -> BatchMatrix = mendedSum) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        let l = 2, k = 3
        let zeroLambda = Array(repeating: Array(repeating: Fraction.zero, count: 2 * l), count: l)
        let zeroBias = Array(repeating: Fraction.zero, count: l)
        for trial in 0..<(4 * trials) {
            let f1 = randomBatch(rows: 3, channels: l, using: &stream)
            let f2 = randomBatch(rows: 3, channels: l, using: &stream)
            let exactSum = zip(f1, f2).map { zip($0, $1).map { $0 + $1 } }
            outcome.expect(sum(f1, f2) == exactSum, "trial \(trial): the sum construction does not give f1 + f2")

            let literal = Layer(gamma: summingKernel(channels: l, offset: l), lambda: zeroLambda, bias: zeroBias)
            let literalOutput = literal(concatenateChannels(f1, f2))
            let activationSum = zip(f1, f2).map { zip($0, $1).map { activation($0) + activation($1) } }
            outcome.expect(literalOutput == activationSum, "trial \(trial): literal composition ≠ act(f1) + act(f2)")
            outcome.expect(literalOutput != exactSum && literalOutput != exactSum.map { $0.map(activation) },
                           "trial \(trial): literal composition happened to equal f1 + f2 or act(f1 + f2)")

            let typo = Layer(gamma: summingKernel(channels: l, offset: k), lambda: zeroLambda, bias: zeroBias)
            outcome.expect(typo(concatenateChannels(f1, f2)) != activationSum, "trial \(trial): offset k = \(k) added matching channels")
        }
        return outcome
    }

    /// Lemma 6's broadcast layer `m(x)_{i,j} = α⁻¹ ρ(act(x))_j` (Γ = 0, Λ = α⁻¹ I) applied to
    /// `act⁻¹(α G)` puts ρ(G) on every row.
    static func broadcast(trials: Int, seed: UInt64) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for trial in 0..<(4 * trials) {
            let g = randomBatch(rows: 4, channels: 3, using: &stream)
            let largest = g.flatMap { $0 }.map(\.magnitude).max()!
            let alpha = (Fraction(2) * (largest + .one)).reciprocal
            let identity = (0..<3).map { i in (0..<3).map { j in i == j ? alpha.reciprocal : .zero } }
            let layer = Layer(gamma: Array(repeating: Array(repeating: .zero, count: 3), count: 3), lambda: identity,
                              bias: Array(repeating: .zero, count: 3))
            let output = layer(g.map { $0.map { inverseActivation(alpha * $0) } })
            let mean = rowMean(g)
            for (i, row) in output.enumerated() {
                for j in 0..<3 { outcome.expectEqual(row[j], mean[j], "trial \(trial), row \(i), channel \(j)") }
            }
        }
        return outcome
    }

    static func registered(trials: Int) -> [ProofCheck] {
        [
            ProofCheck(name: "definition3.equivariance",
                       statement: "Definition-3 networks (softsign stand-in) satisfy f(x_π) = f(x)_π for all 24 π of n=4; ρ∘f is invariant") {
                equivariance(trials: trials, seed: 51)
            },
            ProofCheck(name: "lemma3.concatenation",
                       statement: "stacked first-layer kernels, then block-diagonal Γ, Λ and concatenated β give concat(f1, f2)") {
                concatenation(trials: trials, seed: 52)
            },
            ProofCheck(name: "lemma5.sum",
                       statement: "act⁻¹(α·) then the summing kernel (offset l) / α gives f1 + f2; the written composition gives act(f1)+act(f2) (A4.14)") {
                sumConstruction(trials: trials, seed: 53)
            },
            ProofCheck(name: "lemma6.broadcast",
                       statement: "the layer α⁻¹·ρ(act(·)) applied to act⁻¹(α·G) copies ρ(G) onto every row") {
                broadcast(trials: trials, seed: 54)
            },
        ]
    }
}
