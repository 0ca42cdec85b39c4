/// A univariate polynomial with exact rational coefficients, `Σ_i coefficients[i] · p^i`.
///
/// Used for densities of the mixing proportion p* and for the likelihood of a batch as a
/// function of p*, so that every prior expectation is an exact integral.
struct Polynomial: Equatable, Sendable, CustomStringConvertible {
    /// `coefficients[i]` multiplies `p^i`; trailing zeros are trimmed (the zero polynomial is `[]`).
    private(set) var coefficients: [Fraction]

    init(_ coefficients: [Fraction]) {
        var trimmed = coefficients
        while let last = trimmed.last, last.isZero { trimmed.removeLast() }
        self.coefficients = trimmed
    }

    /// The constant polynomial `value`.
    init(constant value: Fraction) { self.init([value]) }

    /// `constant + slope · p`.
    static func linear(constant: Fraction, slope: Fraction) -> Polynomial {
        Polynomial([constant, slope])
    }

    static let zero = Polynomial([])
    static let one = Polynomial(constant: .one)
    /// The polynomial `p`.
    static let identity = Polynomial([.zero, .one])
    /// The polynomial `1 − p`.
    static let complement = Polynomial([.one, -.one])

    /// `p^k (1 − p)^(n − k)`: the probability of one fixed label vector with k ones out of n.
    static func bernoulliProduct(ones k: Int, length n: Int) -> Polynomial {
        precondition(0 <= k && k <= n, "bernoulliProduct: need 0 ≤ k ≤ n, got k=\(k), n=\(n)")
        return identity.power(k) * complement.power(n - k)
    }

    var degree: Int { coefficients.count - 1 }

    func evaluate(at point: Fraction) -> Fraction {
        coefficients.reversed().reduce(Fraction.zero) { $0 * point + $1 }
    }

    /// `∫_lower^upper self(p) dp`, exactly.
    func integral(from lower: Fraction, to upper: Fraction) -> Fraction {
        var total = Fraction.zero
        var upperPower = upper
        var lowerPower = lower
        for (i, c) in coefficients.enumerated() {
            if !c.isZero { total += c * (upperPower - lowerPower) / Fraction(i + 1) }
            upperPower *= upper
            lowerPower *= lower
        }
        return total
    }

    func power(_ exponent: Int) -> Polynomial {
        precondition(exponent >= 0, "Polynomial.power: negative exponent \(exponent)")
        var result = Polynomial.one
        for _ in 0..<exponent { result = result * self }
        return result
    }

    func scaled(by factor: Fraction) -> Polynomial {
        Polynomial(coefficients.map { $0 * factor })
    }

    static func + (lhs: Polynomial, rhs: Polynomial) -> Polynomial {
        var sum = [Fraction](repeating: .zero, count: max(lhs.coefficients.count, rhs.coefficients.count))
        for (i, c) in lhs.coefficients.enumerated() { sum[i] += c }
        for (i, c) in rhs.coefficients.enumerated() { sum[i] += c }
        return Polynomial(sum)
    }

    static func * (lhs: Polynomial, rhs: Polynomial) -> Polynomial {
        if lhs.coefficients.isEmpty || rhs.coefficients.isEmpty { return .zero }
        var product = [Fraction](repeating: .zero, count: lhs.coefficients.count + rhs.coefficients.count - 1)
        for (i, a) in lhs.coefficients.enumerated() where !a.isZero {
            for (j, b) in rhs.coefficients.enumerated() where !b.isZero {
                product[i + j] += a * b
            }
        }
        return Polynomial(product)
    }

    var description: String {
        coefficients.isEmpty ? "0" : coefficients.enumerated().map { "\($1)·p^\($0)" }.joined(separator: " + ")
    }
}
