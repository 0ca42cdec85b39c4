import TensorCore

extension RandomStream {
    /// A random rational `n/d` with `|n| ≤ maxNumerator` and `1 ≤ d ≤ maxDenominator`.
    mutating func fraction(maxNumerator: Int = 9, maxDenominator: Int = 7) -> Fraction {
        Fraction(integer(in: -maxNumerator..<(maxNumerator + 1)), integer(in: 1..<(maxDenominator + 1)))
    }

    /// `count` random rationals.
    mutating func fractions(_ count: Int, maxNumerator: Int = 9, maxDenominator: Int = 7) -> [Fraction] {
        (0..<count).map { _ in fraction(maxNumerator: maxNumerator, maxDenominator: maxDenominator) }
    }
}
