/// The prior on the mixing proportion p* of the mixed-batch procedure (spec §3.3, step 2).
enum ProportionPrior: Sendable, Equatable, CustomStringConvertible {
    /// `p* ~ U[0, 1]`, the setting of Proposition 1 (= batch smoothing-½).
    case uniform
    /// `p* ~ Beta(a, b)` with integer `a, b ≥ 1` (thesis §4.7).
    case beta(a: Int, b: Int)
    /// Batch smoothing-γ: `p* ~ U([0, γ] ∪ [1 − γ, 1])`, `0 ≤ γ ≤ ½`; γ = 0 means pure batches.
    case batchSmoothing(gamma: Fraction)

    var description: String {
        switch self {
        case .uniform: return "U[0,1]"
        case let .beta(a, b): return "Beta(\(a),\(b))"
        case let .batchSmoothing(gamma): return "smoothing-\(gamma)"
        }
    }

    /// Throws when the parameters are outside the family this project handles exactly.
    func validated() throws -> ProportionPrior {
        switch self {
        case .uniform:
            return self
        case let .beta(a, b):
            guard a >= 1, b >= 1 else {
                throw ProofCheckError("ProportionPrior.beta(a: \(a), b: \(b)): exact checks need integer a, b ≥ 1 (polynomial density)")
            }
        case let .batchSmoothing(gamma):
            guard !gamma.isNegative, gamma <= Fraction(1, 2) else {
                throw ProofCheckError("ProportionPrior.batchSmoothing(gamma: \(gamma)): γ must lie in [0, 1/2]")
            }
        }
        return self
    }

    /// The density written as polynomial pieces and point masses: the ground truth that every
    /// prior expectation is integrated against, exactly.
    func density() throws -> PriorDensity {
        switch try validated() {
        case .uniform:
            return PriorDensity(pieces: [.init(lower: .zero, upper: .one, density: .one)], atoms: [])
        case let .beta(a, b):
            let shape = Polynomial.identity.power(a - 1) * Polynomial.complement.power(b - 1)
            // Normalised by integrating, not by the Beta function, so the checks stay independent of it.
            let normaliser = shape.integral(from: .zero, to: .one)
            return PriorDensity(pieces: [.init(lower: .zero, upper: .one, density: shape.scaled(by: normaliser.reciprocal))],
                                atoms: [])
        case let .batchSmoothing(gamma):
            if gamma.isZero {
                return PriorDensity(pieces: [], atoms: [(.zero, Fraction(1, 2)), (.one, Fraction(1, 2))])
            }
            let height = Polynomial(constant: (2 * gamma).reciprocal)
            return PriorDensity(pieces: [.init(lower: .zero, upper: gamma, density: height),
                                         .init(lower: .one - gamma, upper: .one, density: height)],
                                atoms: [])
        }
    }

    /// `E[p*]` (= a/(a+b) for Beta(a, b), ½ for the symmetric priors).
    var mean: Fraction {
        switch self {
        case .uniform, .batchSmoothing: return Fraction(1, 2)
        case let .beta(a, b): return Fraction(a, a + b)
        }
    }
}

/// A probability measure on [0, 1]: polynomial densities on intervals plus point masses.
struct PriorDensity: Sendable {
    struct Piece: Sendable {
        let lower: Fraction
        let upper: Fraction
        let density: Polynomial
    }

    let pieces: [Piece]
    let atoms: [(location: Fraction, mass: Fraction)]

    /// `E_π[q(p*)] = Σ ∫ q·density + Σ mass·q(location)`, exactly.
    func expectation(of q: Polynomial) -> Fraction {
        let continuous = pieces.map { ($0.density * q).integral(from: $0.lower, to: $0.upper) }.sum()
        return continuous + atoms.map { $0.mass * q.evaluate(at: $0.location) }.sum()
    }
}

private func * (lhs: Int, rhs: Fraction) -> Fraction { Fraction(lhs) * rhs }
