import BigInt
import TensorCore

/// Checks of the algebra behind Theorem 2 (thesis §4.8.3): Lemma 9 (power sums generate the
/// symmetric polynomials) and Lemma 10 (symmetrising a polynomial approximation keeps its error).
///
/// Functions on the one-row space X are random rational tables on X = {0, 1, 2}; a batch is a
/// point of X^n with n = 4, and every identity is checked exactly at every one of the 3^4 batches.
enum SymmetricFunctionChecks {
    /// Batch size n of the lemmas' checks.
    static let batchSize = 4
    /// Size of the finite one-row space X.
    static let rowSpaceSize = 3

    /// A function X → Q, as its table of values.
    typealias RowFunction = [Fraction]

    /// `M(f_1…f_r)(x) = Σ_{σ injective [r]→[n]} Π_i f_i(x_{σ(i)})`, by enumerating the injections.
    static func injectionSum(_ functions: [RowFunction], at batch: [Int]) -> Fraction {
        Combinatorics.injections(from: functions.count, into: batch.count).map { sigma in
            zip(functions, sigma).reduce(Fraction.one) { $0 * $1.0[batch[$1.1]] }
        }.sum()
    }

    /// `S(f_1(x_1)…f_r(x_r))(x) = Σ_{π ∈ S_n} Π_{i<r} f_i(x_{π(i)})`, by enumerating the permutations.
    static func symmetrisedMonomial(_ functions: [RowFunction], at batch: [Int]) -> Fraction {
        Combinatorics.permutations(batch.count).map { pi in
            functions.indices.reduce(Fraction.one) { $0 * functions[$1][batch[pi[$1]]] }
        }.sum()
    }

    /// The power sum `Σ_k f(x_k)` (Lemma 8's network output, up to the factor n).
    static func powerSum(_ f: RowFunction, at batch: [Int]) -> Fraction {
        batch.map { f[$0] }.sum()
    }

    /// `f · g` in the algebra of row functions.
    static func product(_ f: RowFunction, _ g: RowFunction) -> RowFunction { zip(f, g).map { $0 * $1 } }

    /// The right-hand side of the rank recursion [T 4.47–4.52], spec §3.9.2 item 10:
    /// `M(f_1…f_{r+1}) + Σ_{j≤r} M(f_1, …, f_j·f_{r+1}, …, f_r)`.
    static func rankRecursionRightSide(_ functions: [RowFunction], next: RowFunction, at batch: [Int]) -> Fraction {
        let collisions = functions.indices.map { j -> Fraction in
            var merged = functions
            merged[j] = product(merged[j], next)
            return injectionSum(merged, at: batch)
        }
        return injectionSum(functions + [next], at: batch) + collisions.sum()
    }

    /// Lemma 9 made constructive: `M(f_1…f_r)` evaluated **only through power sums** `Σ_k g(x_k)` of
    /// products g of the f's, by the recursion `M(f_1…f_{r+1}) = (Σ_k f_{r+1}(x_k))·M(f_1…f_r) − Σ_j M(…, f_j f_{r+1}, …)`.
    static func injectionSumFromPowerSums(_ functions: [RowFunction], at batch: [Int]) -> Fraction {
        guard let last = functions.last else { return .one }
        let rest = Array(functions.dropLast())
        let collisions = rest.indices.map { j -> Fraction in
            var merged = rest
            merged[j] = product(merged[j], last)
            return injectionSumFromPowerSums(merged, at: batch)
        }
        return powerSum(last, at: batch) * injectionSumFromPowerSums(rest, at: batch) - collisions.sum()
    }

    private static func randomFunctions(_ count: Int, using stream: inout RandomStream) -> [RowFunction] {
        (0..<count).map { _ in stream.fractions(rowSpaceSize) }
    }

    private static var allBatches: [[Int]] { Combinatorics.sequences(alphabetSize: rowSpaceSize, length: batchSize) }

    /// `S(f_1(x_1)…f_r(x_r)) = factor(r) · M(f_1…f_r)` for r = 1…n, at every batch; the thesis' factor is `(n − r)!` [T 4.46, 4.48].
    static func symmetrisedMonomials(trials: Int, seed: UInt64,
                                     factor: (_ rank: Int, _ n: Int) -> Fraction = { Fraction(Combinatorics.factorial($1 - $0)) }) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for _ in 0..<trials {
            for rank in 1...batchSize {
                let functions = randomFunctions(rank, using: &stream)
                for batch in allBatches {
                    outcome.expectEqual(factor(rank, batchSize) * injectionSum(functions, at: batch),
                                        symmetrisedMonomial(functions, at: batch), "rank \(rank), x=\(batch)")
                }
            }
        }
        return outcome
    }

    /// `(Σ_k f_{r+1}(x_k)) · M(f_1…f_r) = rightSide(f_1…f_r, f_{r+1})` for r = 1…n−1, at every batch.
    static func rankRecursion(trials: Int, seed: UInt64,
                              rightSide: ([RowFunction], RowFunction, [Int]) -> Fraction = rankRecursionRightSide) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for _ in 0..<trials {
            for rank in 1..<batchSize {
                let functions = randomFunctions(rank, using: &stream)
                let next = stream.fractions(rowSpaceSize)
                for batch in allBatches {
                    outcome.expectEqual(rightSide(functions, next, batch),
                                        powerSum(next, at: batch) * injectionSum(functions, at: batch),
                                        "rank \(rank), x=\(batch)")
                }
            }
        }
        return outcome
    }

    /// Every symmetrised monomial of rank ≤ n equals the value `generated` builds from power sums alone.
    static func generation(trials: Int, seed: UInt64,
                           generated: ([RowFunction], [Int]) -> Fraction = injectionSumFromPowerSums) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for _ in 0..<trials {
            for rank in 1...batchSize {
                let functions = randomFunctions(rank, using: &stream)
                for batch in allBatches {
                    outcome.expectEqual(generated(functions, batch), injectionSum(functions, at: batch), "rank \(rank), x=\(batch)")
                }
            }
        }
        return outcome
    }

    /// Newton's identities `k e_k = Σ_{i=1}^k (−1)^{i−1} e_{k−i} p_i`: the elementary symmetric
    /// polynomials from the power sums `p_1…p_n` (index 0 unused).
    static func elementaryFromPowerSums(_ powerSums: [Fraction]) -> [Fraction] {
        var e = [Fraction.one]
        for k in 1..<powerSums.count {
            let total = (1...k).map { i in (i % 2 == 1 ? e[k - i] : -e[k - i]) * powerSums[i] }.sum()
            e.append(total / Fraction(k))
        }
        return e
    }

    /// `e_k(x) = Σ_{i_1<…<i_k} x_{i_1}…x_{i_k}` by enumerating subsets.
    static func elementarySymmetric(_ k: Int, of point: [Fraction]) -> Fraction {
        (0..<(1 << point.count)).filter { $0.nonzeroBitCount == k }.map { subset in
            point.indices.filter { subset >> $0 & 1 == 1 }.reduce(Fraction.one) { $0 * point[$1] }
        }.sum()
    }

    /// n = 4: e_1…e_4 recovered from p_1…p_4 at random rational points equal their definition.
    static func newtonIdentities(trials: Int, seed: UInt64,
                                 formula: ([Fraction]) -> [Fraction] = elementaryFromPowerSums) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        for _ in 0..<(10 * trials) {
            let point = stream.fractions(batchSize)
            let powerSums = (0...batchSize).map { k in point.map { $0.power(k) }.sum() }
            let claimed = formula(powerSums)
            for k in 1...batchSize {
                outcome.expectEqual(claimed[k], elementarySymmetric(k, of: point), "e_\(k) at \(point)")
            }
        }
        return outcome
    }

    /// The products of power sums of total weight ≤ 3 in n variables: 1, p1, p2, p3, p1², p1p2, p1³.
    static func powerSumProducts(variableCount n: Int) -> [MultivariatePolynomial] {
        let p = (1...3).map { MultivariatePolynomial.powerSum($0, variableCount: n) }
        return [.constant(.one, variableCount: n), p[0], p[1], p[2], p[0] * p[0], p[0] * p[1], p[0] * p[0] * p[0]]
    }

    /// The symmetrisation `Σ_σ P∘σ` of a polynomial (divide by n! for the average of Lemma 10).
    static func symmetrised(_ polynomial: MultivariatePolynomial) -> MultivariatePolynomial {
        Combinatorics.permutations(polynomial.variableCount).reduce(MultivariatePolynomial(variableCount: polynomial.variableCount)) {
            $0 + polynomial.permutingVariables($1)
        }
    }

    /// Symbolically, in n = 4 variables: the symmetrisation of a random polynomial of degree ≤ 3 is
    /// a linear combination of `generators` (solved exactly, coefficient by coefficient), while a
    /// random non-symmetric polynomial is not — so the span test can fail.
    static func powerSumSpan(trials: Int, seed: UInt64,
                             generators: [MultivariatePolynomial] = powerSumProducts(variableCount: batchSize)) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        let monomials = MultivariatePolynomial.exponents(variableCount: batchSize, maxDegree: 3)
        for trial in 0..<trials {
            var terms = [[Int]: Fraction]()
            for e in monomials { terms[e] = stream.fraction() }
            let random = MultivariatePolynomial(variableCount: batchSize, terms: terms)
            let target = symmetrised(random)
            if let c = ExactLinearAlgebra.solve(columns: generators.map(\.terms), target: target.terms) {
                let rebuilt = zip(c, generators).reduce(MultivariatePolynomial(variableCount: batchSize)) { $0 + $1.1.scaled(by: $1.0) }
                outcome.expect(rebuilt == target, "trial \(trial): the solved combination does not rebuild S(P)")
            } else {
                outcome.expect(false, "trial \(trial): S(P) of degree \(target.totalDegree) is not in the span of the generators")
            }
            outcome.expect(ExactLinearAlgebra.solve(columns: generators.map(\.terms), target: random.terms) == nil,
                           "trial \(trial): a non-symmetric polynomial was found in the span")
        }
        return outcome
    }

    /// Lemma 10 on a finite permutation-closed K (the orbits of a few random points of Q^4): for the
    /// symmetric f = max and a random polynomial P of degree ≤ 2, the average P̃ = symmetrise(P) is
    /// symmetric on K and `max_K |P̃ − f| ≤ max_K |P − f|`.
    static func symmetrisationContracts(trials: Int, seed: UInt64,
                                        symmetrise: (MultivariatePolynomial) -> MultivariatePolynomial = {
                                            symmetrised($0).scaled(by: Fraction(Combinatorics.factorial($0.variableCount)).reciprocal)
                                        }) -> CheckOutcome {
        var outcome = CheckOutcome()
        var stream = RandomStream(seed: seed)
        let permutations = Combinatorics.permutations(batchSize)
        for trial in 0..<(4 * trials) {
            let seeds = (0..<3).map { _ in stream.fractions(batchSize) }
            let compact = seeds.flatMap { point in permutations.map { pi in pi.map { point[$0] } } }
            var terms = [[Int]: Fraction]()
            for e in MultivariatePolynomial.exponents(variableCount: batchSize, maxDegree: 2) { terms[e] = stream.fraction() }
            let polynomial = MultivariatePolynomial(variableCount: batchSize, terms: terms)
            let average = symmetrise(polynomial)
            func error(_ q: MultivariatePolynomial) -> Fraction {
                compact.map { (q.evaluate(at: $0) - $0.max()!).magnitude }.max()!
            }
            let before = error(polynomial), after = error(average)
            outcome.expect(after <= before, "trial \(trial): sup|P̃ − f| = \(after) > sup|P − f| = \(before)")
            for point in seeds {
                let value = average.evaluate(at: point)
                for pi in permutations.prefix(6) {
                    outcome.expectEqual(average.evaluate(at: pi.map { point[$0] }), value, "trial \(trial): P̃ not symmetric at \(point)")
                }
            }
        }
        return outcome
    }

    static func registered(trials: Int) -> [ProofCheck] {
        [
            ProofCheck(name: "lemma9.symmetrised-monomials",
                       statement: "n=4, r=1…4: S(f_1(x_1)…f_r(x_r)) = (n−r)!·Σ_{σ∈Inj(r,n)} Π f_i(x_σ(i)); r=1 gives (n−1)!·Σ_k f(x_k)") {
                symmetrisedMonomials(trials: trials, seed: 41)
            },
            ProofCheck(name: "lemma9.rank-recursion",
                       statement: "n=4, r=1…3: (Σ_k f_{r+1}(x_k))·M(f_1…f_r) = M(f_1…f_{r+1}) + Σ_j M(…, f_j·f_{r+1}, …)") {
                rankRecursion(trials: trials, seed: 42)
            },
            ProofCheck(name: "lemma9.generation",
                       statement: "n=4, r≤4: every symmetrised monomial is rebuilt from power sums Σ_k g(x_k) by the recursion") {
                generation(trials: trials, seed: 43)
            },
            ProofCheck(name: "lemma9.newton-identities",
                       statement: "n=4: k·e_k = Σ_{i≤k} (−1)^(i−1) e_{k−i} p_i at random rational points") {
                newtonIdentities(trials: trials, seed: 44)
            },
            ProofCheck(name: "lemma9.power-sum-span",
                       statement: "n=4: a random symmetric polynomial of degree ≤ 3 is a polynomial in p1, p2, p3 (solved exactly); a non-symmetric one is not") {
                powerSumSpan(trials: trials, seed: 45)
            },
            ProofCheck(name: "lemma10.symmetrisation",
                       statement: "on a permutation-closed K, P̃ = (1/n!)Σ_σ P∘σ is symmetric and no farther from a symmetric f than P") {
                symmetrisationContracts(trials: trials, seed: 46)
            },
        ]
    }
}
