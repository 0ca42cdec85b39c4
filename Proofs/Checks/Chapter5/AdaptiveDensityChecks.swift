import Foundation

/// The theory of chapter 5 (spec §4.9; Proofs/AdaptiveDensity.md), checked by quadrature on
/// `AdaptiveDensityToy`s: the change of variables, the coverage bound and its equality case,
/// the cross-entropy split, the Sønderby and Goodfellow identities at the optimal discriminator,
/// the symmetric-KL bound, and the coverage / quality trade-off.
struct AdaptiveDensityChecks: Sendable {
    /// Simpson intervals over `range` (40,000 in `ProofChecks`, fewer in the unit tests), and
    /// the grid step of the trade-off's search over the Gaussian's mean and log-variance.
    var intervals = 40_000
    var tradeOffStep = 0.1

    /// Integration range: every density of the toys is below 1e-30 outside it.
    static let range: ClosedRange<Double> = -14...14
    static let tolerance = 1e-8

    /// Toys with a bimodal target, nonlinear monotone feature maps and encoders that are exact
    /// (`encoder == nil`) or not.
    static let toys: [AdaptiveDensityToy] = {
        let target = [AdaptiveDensityToy.Component(weight: 0.6, mean: -1, std: 0.5),
                      AdaptiveDensityToy.Component(weight: 0.4, mean: 1.5, std: 0.7)]
        var toys: [AdaptiveDensityToy] = []
        for (a, b, c) in [(1.0, 0.0, 0.0), (0.8, 0.3, 0.9), (1.5, -0.2, -0.6)] {
            for encoder in [nil, (gain: 0.3, offset: 0.1, std: 0.8)] as [(gain: Double, offset: Double, std: Double)?] {
                toys.append(AdaptiveDensityToy(target: target, a: a, b: b, c: c, w: 0.9, m: 0.2, s: 0.6, encoder: encoder))
            }
        }
        return toys
    }()

    func expectation(_ density: (Double) -> Double, _ f: (Double) -> Double) -> Double {
        simpson(Self.range.lowerBound, Self.range.upperBound, intervals: intervals) { x in
            let p = density(x)
            return p > 1e-300 ? p * f(x) : 0
        }
    }

    /// ∫ p_{θ,ψ}(x) dx = 1: the change of variables makes a density.
    func changeOfVariables(_ toys: [AdaptiveDensityToy] = Self.toys) -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, toy) in toys.enumerated() {
            outcome.expectClose(simpson(Self.range.lowerBound, Self.range.upperBound, intervals: intervals, toy.modelDensity), 1, tolerance: Self.tolerance, "toy \(index)")
        }
        return outcome
    }

    /// (a) `L_C = E_{p*}[−ELBO(f(x)) − ln f'(x)] ≥ E_{p*}[−ln p_{θ,ψ}(x)]`, with equality when the
    /// encoder is the exact posterior; the gap is `E_{p*} KL(q(z|f(x)) ‖ p(z|f(x)))`.
    func coverageBound(_ toys: [AdaptiveDensityToy] = Self.toys,
                              coverage: (AdaptiveDensityToy, Double) -> Double = { $0.coverageLoss($1) }) -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, toy) in toys.enumerated() {
            let lc = expectation(toy.targetDensity) { coverage(toy, $0) }
            let nll = expectation(toy.targetDensity) { -log(toy.modelDensity($0)) }
            var exact = toy
            exact.encoder = nil
            let gap = expectation(toy.targetDensity) { x in
                let (mu, tau) = toy.posterior(toy.feature(x)), (mu0, tau0) = exact.posterior(toy.feature(x))
                return log(tau0 / tau) + (tau * tau + (mu - mu0) * (mu - mu0)) / (2 * tau0 * tau0) - 0.5
            }
            outcome.expectClose(lc - nll, gap, tolerance: Self.tolerance, "toy \(index): L_C − NLL against E KL(q ‖ posterior)")
            outcome.expect(lc >= nll - Self.tolerance, "toy \(index): L_C = \(lc) below the NLL \(nll)")
            if toy.encoder == nil { outcome.expectClose(lc, nll, tolerance: Self.tolerance, "toy \(index): equality with the exact posterior") }
        }
        return outcome
    }

    /// (b) `E_{p*}[−ln p] = H(p*) + KL(p* ‖ p)`.
    func crossEntropy(_ toys: [AdaptiveDensityToy] = Self.toys) -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, toy) in toys.enumerated() {
            let crossEntropy = expectation(toy.targetDensity) { -log(toy.modelDensity($0)) }
            let entropy = expectation(toy.targetDensity) { -log(toy.targetDensity($0)) }
            let kl = klDivergence(toy.targetDensity, toy.modelDensity, range: Self.range, intervals: intervals)
            outcome.expectClose(crossEntropy, entropy + kl, tolerance: Self.tolerance, "toy \(index)")
        }
        return outcome
    }

    /// The optimal discriminator between data `p*` and samples `p_g`: `D* = p* / (p* + p_g)`.
    static func optimalDiscriminator(_ toy: AdaptiveDensityToy, _ x: Double) -> Double {
        let real = toy.targetDensity(x), generated = toy.modelDensity(x)
        return real / (real + generated)
    }

    /// (c) Sønderby [T 5.3]: `E_{p_g}[ln((1 − D*)/D*)] = KL(p_g ‖ p*)`, with `D*` formed from the
    /// two densities (not from their ratio).
    func sonderby(_ toys: [AdaptiveDensityToy] = Self.toys) -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, toy) in toys.enumerated() {
            let loss = expectation(toy.modelDensity) { x in
                let d = Self.optimalDiscriminator(toy, x)
                return log((1 - d) / d)
            }
            outcome.expectClose(loss, klDivergence(toy.modelDensity, toy.targetDensity, range: Self.range, intervals: intervals), tolerance: Self.tolerance,
                                "toy \(index)")
        }
        return outcome
    }

    /// Goodfellow's generator term [T 5.2]: `E_{p_g}[ln(1 − D*)] = KL(p_g ‖ m) + constant` with
    /// `m = (p* + p_g)/2`; `constant` is −ln 2 (the thesis' Eq. 5.2 omits it, spec §4.9.2).
    func goodfellow(_ toys: [AdaptiveDensityToy] = Self.toys, constant: Double = -log(2)) -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, toy) in toys.enumerated() {
            let term = expectation(toy.modelDensity) { log(1 - Self.optimalDiscriminator(toy, $0)) }
            let mixture = { (x: Double) in (toy.targetDensity(x) + toy.modelDensity(x)) / 2 }
            outcome.expectClose(term, klDivergence(toy.modelDensity, mixture, range: Self.range, intervals: intervals) + constant, tolerance: Self.tolerance,
                                "toy \(index)")
        }
        return outcome
    }

    /// The symmetric-KL bound [T 5.7]: `L_C + L*_Q ≥ KL(p* ‖ p) + KL(p ‖ p*) + H(p*)` with
    /// `L*_Q = E_p[ln((1 − D*)/D*)]`, equality exactly when the encoder is the exact posterior.
    func symmetricBound(_ toys: [AdaptiveDensityToy] = Self.toys) -> CheckOutcome {
        var outcome = CheckOutcome()
        for (index, toy) in toys.enumerated() {
            let lc = expectation(toy.targetDensity) { toy.coverageLoss($0) }
            let lq = expectation(toy.modelDensity) { x in
                let d = Self.optimalDiscriminator(toy, x)
                return log((1 - d) / d)
            }
            let right = klDivergence(toy.targetDensity, toy.modelDensity, range: Self.range, intervals: intervals)
                + klDivergence(toy.modelDensity, toy.targetDensity, range: Self.range, intervals: intervals)
                + expectation(toy.targetDensity) { -log(toy.targetDensity($0)) }
            if toy.encoder == nil {
                outcome.expectClose(lc + lq, right, tolerance: Self.tolerance, "toy \(index): equality with the exact posterior")
            } else {
                outcome.expect(lc + lq > right + 1e-3, "toy \(index): an inexact encoder must leave a gap (\(lc + lq) vs \(right))")
            }
        }
        return outcome
    }

    /// The trade-off: for a Gaussian model `N(μ, v)` of a target of two separated modes (f = identity), the
    /// coverage-optimal variance (forward KL: moment matching) exceeds the quality-optimal one
    /// (reverse KL: one mode), and the sum's optimum lies between them.
    func tradeOff() -> CheckOutcome {
        var outcome = CheckOutcome()
        let target = AdaptiveDensityToy(target: [AdaptiveDensityToy.Component(weight: 0.6, mean: -2, std: 0.5),
                                                 AdaptiveDensityToy.Component(weight: 0.4, mean: 2, std: 0.5)])
        var best: [String: (loss: Double, variance: Double)] = [:]
        for mean in stride(from: -2.5, through: 2.5, by: tradeOffStep) {
            for logVariance in stride(from: -3.0, through: 2.0, by: tradeOffStep) {
                let std = exp(0.5 * logVariance)
                let model = { (x: Double) in AdaptiveDensityToy.normalDensity(x, mean: mean, std: std) }
                let forward = klDivergence(target.targetDensity, model, range: Self.range, intervals: 4_000)
                let reverse = klDivergence(model, target.targetDensity, range: Self.range, intervals: 4_000)
                for (name, loss) in [("coverage", forward), ("quality", reverse), ("sum", forward + reverse)]
                where loss < best[name]?.loss ?? .infinity {
                    best[name] = (loss, std * std)
                }
            }
        }
        let (coverage, quality, sum) = (best["coverage"]!.variance, best["quality"]!.variance, best["sum"]!.variance)
        outcome.expect(quality < sum && sum < coverage,
                       "variances: quality \(quality), sum \(sum), coverage \(coverage) — expected quality < sum < coverage")
        outcome.notes = [String(format: "optimal variance: quality (reverse KL) %.3f < sum %.3f < coverage (forward KL) %.3f",
                                quality, sum, coverage)]
        return outcome
    }

    func registered() -> [ProofCheck] {
        [
            ProofCheck(name: "ch5.change-of-variables", statement: "∫ p_θ(f_ψ(x)) f_ψ'(x) dx = 1 for monotone f_ψ (Eq. 5.5)") {
                changeOfVariables()
            },
            ProofCheck(name: "ch5.coverage-bound",
                       statement: "L_C ≥ E_p*[−ln p_θ,ψ], the gap E_p* KL(q ‖ posterior), equality for the exact posterior") {
                coverageBound()
            },
            ProofCheck(name: "ch5.cross-entropy", statement: "E_p*[−ln p_θ,ψ] = H(p*) + KL(p* ‖ p_θ,ψ)") { crossEntropy() },
            ProofCheck(name: "ch5.sonderby", statement: "E_pθ[ln((1 − D*)/D*)] = KL(p_θ ‖ p*) at D* = p*/(p* + p_θ) (Eq. 5.3)") {
                sonderby()
            },
            ProofCheck(name: "ch5.goodfellow",
                       statement: "E_pθ[ln(1 − D*)] = KL(p_θ ‖ (p* + p_θ)/2) − ln 2 (Eq. 5.2 lacks the −ln 2)") { goodfellow() },
            ProofCheck(name: "ch5.symmetric-kl-bound",
                       statement: "L_C + L*_Q ≥ KL(p* ‖ p) + KL(p ‖ p*) + H(p*), equality iff the ELBO is tight (Eq. 5.7)") {
                symmetricBound()
            },
            ProofCheck(name: "ch5.trade-off",
                       statement: "Gaussian fit of a bimodal p*: optimal variance quality < coverage + quality < coverage") {
                tradeOff()
            },
        ]
    }
}
