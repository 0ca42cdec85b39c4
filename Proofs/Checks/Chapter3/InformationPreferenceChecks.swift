import Foundation

/// The theory of chapter 3 (spec §2.9; Proofs/AGAVE.md), checked by exact enumeration of small
/// finite alphabets (sums in Float64, no sampling):
///
/// - the ELBO identity `−E[ELBO] = E[−ln p_θ(x)] + E[KL(q(z|x) ‖ p_θ(z|x))]` and the
///   information-preference argument: with an inference family that cannot match the posterior,
///   every latent-using model's `−E[ELBO]` stays above H(p*), which an autoregressive model that
///   ignores z reaches with q = p(z) and KL = 0;
/// - AGAVE's bound: under `p*(x) q(z|x)` the cross-entropy of any conditional model `r(x|z)` is
///   at least H(X|Z) ≤ H(X) (equality iff z carries no information), and a tabular conditional
///   model trained by cross-entropy converges to H(X|Z).
struct InformationPreferenceChecks: Sendable {
    /// Gradient steps of the tabular model (fewer in the unit tests).
    var trainingSteps = 4_000
    static let tolerance = 1e-12

    /// p* over x = (x₁, x₂) ∈ {0, 1}², index 2·x₁ + x₂: correlated coordinates.
    static let target: [Double] = [0.4, 0.1, 0.1, 0.4]

    /// A latent-variable model of x ∈ {0, 1}²: z ∈ {0, 1} with p(z = 1) = π, a factorised
    /// decoder p(x | z) = Π_i Bernoulli(x_i; θ_{z,i}), and the restricted encoder
    /// q(z = 1 | x) = σ(a + b·x₁), which never reads x₂.
    struct LatentModel {
        var pi: Double
        var theta: [[Double]]    // [z][i]
        var a: Double, b: Double

        func joint(_ x: Int, _ z: Int) -> Double {
            let bits = [x >> 1, x & 1]
            let pz = z == 1 ? pi : 1 - pi
            return (0..<2).reduce(pz) { $0 * (bits[$1] == 1 ? theta[z][$1] : 1 - theta[z][$1]) }
        }
        func marginal(_ x: Int) -> Double { joint(x, 0) + joint(x, 1) }
        func q(_ z: Int, given x: Int) -> Double {
            let one = 1 / (1 + exp(-(a + b * Double(x >> 1))))
            return z == 1 ? one : 1 - one
        }
        /// `E_q[ln p(x, z) − ln q(z | x)]`.
        func elbo(_ x: Int) -> Double {
            (0..<2).reduce(0) { total, z in
                let w = q(z, given: x)
                return w > 0 ? total + w * (log(joint(x, z)) - log(w)) : total
            }
        }
        func posteriorKL(_ x: Int) -> Double {
            (0..<2).reduce(0) { total, z in
                let w = q(z, given: x)
                return w > 0 ? total + w * (log(w) - log(joint(x, z) / marginal(x))) : total
            }
        }
        /// Whether the model uses z: its decoder differs between z = 0 and z = 1.
        var usesLatent: Bool { theta[0] != theta[1] && pi > 0 && pi < 1 }
    }

    static func entropy(_ p: [Double]) -> Double { -p.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 } }

    /// Random latent-using models (a fixed generator, so the check is reproducible).
    static func models(count: Int) -> [LatentModel] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        return (0..<count).map { _ in
            LatentModel(pi: 0.05 + 0.9 * uniform(), theta: [[uniform(), uniform()], [uniform(), uniform()]],
                        a: 6 * uniform() - 3, b: 6 * uniform() - 3)
        }
    }

    /// `−E[ELBO] = E[−ln p] + E[KL(q ‖ posterior)] ≥ H(p*)`, the latent-using models strictly
    /// above; an autoregressive model p(x₁) p(x₂ | x₁) that ignores z, with q = p(z), reaches H(p*).
    func informationPreference(elbo: (LatentModel, Int) -> Double = { $0.elbo($1) }) -> CheckOutcome {
        var outcome = CheckOutcome()
        outcome.tolerance = Self.tolerance
        let p = Self.target, entropy = Self.entropy(p)
        var smallestGap = Double.infinity
        for (index, model) in Self.models(count: 200).enumerated() {
            let negativeELBO = (0..<4).reduce(0) { $0 - p[$1] * elbo(model, $1) }
            let crossEntropy = (0..<4).reduce(0) { $0 - p[$1] * log(model.marginal($1)) }
            let kl = (0..<4).reduce(0) { $0 + p[$1] * model.posteriorKL($1) }
            outcome.expectClose(negativeELBO, crossEntropy + kl, tolerance: Self.tolerance, "model \(index): the ELBO identity")
            if model.usesLatent {
                outcome.expect(negativeELBO > entropy, "model \(index): −E[ELBO] \(negativeELBO) ≤ H(p*) \(entropy)")
                smallestGap = min(smallestGap, negativeELBO - entropy)
            }
        }
        // The autoregressive model: p(x₁) p(x₂ | x₁) from p*, the prior p(z) unused, q = p(z).
        let first = p[2] + p[3]
        let autoregressive = (0..<4).map { x -> Double in
            let x1 = x >> 1, px1 = x1 == 1 ? first : 1 - first
            return px1 * (p[x] / px1)
        }
        let arCost = (0..<4).reduce(0) { $0 - p[$1] * log(autoregressive[$1]) }   // KL(q ‖ p(z)) = 0
        outcome.expectClose(arCost, entropy, tolerance: Self.tolerance, "the autoregressive model's −E[ELBO] is H(p*)")
        outcome.notes.append(String(format: "H(p*) = %.6f nats; smallest −E[ELBO] − H(p*) over 200 latent-using models: %.4f nats",
                                    entropy, smallestGap))
        return outcome
    }

    /// p*(x) over 4 values, q(z | x) over 3: informative, and one that ignores x.
    static let data: [Double] = [0.1, 0.2, 0.3, 0.4]
    static let informative: [[Double]] = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.05, 0.15, 0.8]]
    static let uninformative: [[Double]] = Array(repeating: [0.5, 0.3, 0.2], count: 4)

    /// H(X | Z) under `p*(x) q(z | x)`.
    static func conditionalEntropy(_ q: [[Double]]) -> Double {
        let joint = (0..<4).map { x in q[x].map { data[x] * $0 } }
        let pz = (0..<3).map { z in (0..<4).reduce(0) { $0 + joint[$1][z] } }
        return -(0..<4).reduce(0) { total, x in
            (0..<3).reduce(total) { $0 + joint[x][$1] * log(joint[x][$1] / pz[$1]) }
        }
    }

    /// `E[−ln r(x | z)] ≥ H(X | Z) ≤ H(X)` for random r; equality with z uninformative; tabular
    /// logits trained by gradient descent on the cross-entropy reach H(X | Z) < H(X).
    func agaveBound() -> CheckOutcome {
        var outcome = CheckOutcome()
        let hx = Self.entropy(Self.data), hxz = Self.conditionalEntropy(Self.informative)
        outcome.expect(hxz < hx - 0.05, "H(X|Z) \(hxz) is not below H(X) \(hx) for the informative encoder")
        outcome.tolerance = 1e-6
        outcome.expectClose(Self.conditionalEntropy(Self.uninformative), hx, tolerance: Self.tolerance,
                            "H(X|Z) = H(X) when q ignores x")
        let joint = (0..<4).map { x in Self.informative[x].map { Self.data[x] * $0 } }
        func crossEntropy(_ logits: [[Double]]) -> Double {      // logits [z][x]
            (0..<3).reduce(0) { total, z in
                let top = logits[z].max()!, normaliser = top + log(logits[z].reduce(0) { $0 + exp($1 - top) })
                return (0..<4).reduce(total) { $0 - joint[$1][z] * (logits[z][$1] - normaliser) }
            }
        }
        for trial in 0..<50 {
            let logits = (0..<3).map { z in (0..<4).map { x in sin(Double(trial * 12 + z * 4 + x)) * 3 } }
            outcome.expect(crossEntropy(logits) >= hxz - Self.tolerance, "random r(x|z) \(trial) is below H(X|Z)")
        }
        var logits = Array(repeating: Array(repeating: 0.0, count: 4), count: 3)
        for _ in 0..<trainingSteps {
            for z in 0..<3 {
                let top = logits[z].max()!
                let weights = logits[z].map { exp($0 - top) }, total = weights.reduce(0, +)
                let pz = (0..<4).reduce(0) { $0 + joint[$1][z] }
                for x in 0..<4 { logits[z][x] -= 2 * (pz * weights[x] / total - joint[x][z]) }   // ∂CE/∂logit
            }
        }
        let trained = crossEntropy(logits)
        outcome.expectClose(trained, hxz, tolerance: 1e-6, "the trained tabular model's cross-entropy is H(X|Z)")
        outcome.notes.append(String(format: "H(X) = %.6f, H(X|Z) = %.6f, trained cross-entropy %.6f nats after %d steps",
                                    hx, hxz, trained, trainingSteps))
        return outcome
    }

    func registered() -> [ProofCheck] {
        [
            ProofCheck(name: "ch3.information-preference",
                       statement: "−E[ELBO] = E[−ln p] + E[KL(q ‖ p(z|x))] > H(p*) for latent-using models with a restricted q; "
                           + "an AR model ignoring z reaches H(p*) (Eqs. 3.7–3.12)") { informationPreference() },
            ProofCheck(name: "ch3.agave-bound",
                       statement: "E[−ln r(x|z)] ≥ H(X|Z) ≤ H(X), equality iff z is uninformative; a tabular r trained by "
                           + "cross-entropy reaches H(X|Z) (Eqs. 3.14–3.16)") { agaveBound() },
        ]
    }
}
