import TensorCore

/// A probability distribution on the finite support `0..<supportSize`, with exact rational masses.
///
/// Stands for the data distribution p1 or the generator distribution p2 of Proposition 1.
struct FiniteDistribution: Equatable, Sendable, CustomStringConvertible {
    /// `probabilities[s]` is the mass of support point `s`; non-negative, summing to exactly 1.
    let probabilities: [Fraction]

    init(_ probabilities: [Fraction]) throws {
        guard !probabilities.isEmpty else {
            throw ProofCheckError("FiniteDistribution: the support is empty; give at least one probability")
        }
        guard probabilities.allSatisfy({ !$0.isNegative }) else {
            throw ProofCheckError("FiniteDistribution: negative probability in \(probabilities); all masses must be ≥ 0")
        }
        let total = probabilities.sum()
        guard total == .one else {
            throw ProofCheckError("FiniteDistribution: masses \(probabilities) sum to \(total), not 1; normalise them")
        }
        self.probabilities = probabilities
    }

    var supportSize: Int { probabilities.count }

    subscript(point: Int) -> Fraction { probabilities[point] }

    /// A random distribution with every mass positive: integer weights in `1...maxWeight`, normalised.
    static func random(supportSize: Int, maxWeight: Int = 12, using stream: inout RandomStream) -> FiniteDistribution {
        precondition(supportSize >= 1 && maxWeight >= 1, "random distribution needs supportSize ≥ 1 and maxWeight ≥ 1")
        let weights = (0..<supportSize).map { _ in stream.integer(in: 1..<(maxWeight + 1)) }
        let total = weights.reduce(0, +)
        // Normalised by construction, so the throwing initialiser cannot fail.
        return try! FiniteDistribution(weights.map { Fraction($0, total) })
    }

    var description: String { "(" + probabilities.map(\.description).joined(separator: ", ") + ")" }
}
