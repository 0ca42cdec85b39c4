/// A polynomial in `variableCount` variables with exact rational coefficients, stored as a map
/// from exponent vectors to non-zero coefficients.
struct MultivariatePolynomial: Equatable, Sendable {
    let variableCount: Int
    /// `terms[e]` multiplies `Π_i x_i^{e[i]}`; never holds a zero coefficient.
    private(set) var terms: [[Int]: Fraction]

    init(variableCount: Int, terms: [[Int]: Fraction] = [:]) {
        self.variableCount = variableCount
        self.terms = terms.filter { !$0.value.isZero }
    }

    /// The constant `value`.
    static func constant(_ value: Fraction, variableCount: Int) -> MultivariatePolynomial {
        MultivariatePolynomial(variableCount: variableCount, terms: [Array(repeating: 0, count: variableCount): value])
    }

    /// The power sum `p_k = Σ_i x_i^k`.
    static func powerSum(_ k: Int, variableCount: Int) -> MultivariatePolynomial {
        var terms = [[Int]: Fraction]()
        for i in 0..<variableCount {
            var exponents = Array(repeating: 0, count: variableCount)
            exponents[i] = k
            terms[exponents, default: .zero] += .one
        }
        return MultivariatePolynomial(variableCount: variableCount, terms: terms)
    }

    /// Every exponent vector of total degree ≤ `degree`.
    static func exponents(variableCount: Int, maxDegree degree: Int) -> [[Int]] {
        guard variableCount > 0 else { return [[]] }
        return (0...degree).flatMap { first in
            exponents(variableCount: variableCount - 1, maxDegree: degree - first).map { [first] + $0 }
        }
    }

    var totalDegree: Int { terms.keys.map { $0.reduce(0, +) }.max() ?? 0 }

    func evaluate(at point: [Fraction]) -> Fraction {
        terms.map { exponents, c in
            zip(point, exponents).reduce(c) { $0 * $1.0.power($1.1) }
        }.sum()
    }

    /// `x ↦ self(x_{σ(0)}, …, x_{σ(n−1)})`.
    func permutingVariables(_ sigma: [Int]) -> MultivariatePolynomial {
        var result = [[Int]: Fraction]()
        for (exponents, c) in terms {
            // x_{σ(i)} carries the exponent that x_i had.
            var moved = Array(repeating: 0, count: variableCount)
            for i in 0..<variableCount { moved[sigma[i]] += exponents[i] }
            result[moved, default: .zero] += c
        }
        return MultivariatePolynomial(variableCount: variableCount, terms: result)
    }

    func scaled(by factor: Fraction) -> MultivariatePolynomial {
        MultivariatePolynomial(variableCount: variableCount, terms: terms.mapValues { $0 * factor })
    }

    static func + (lhs: MultivariatePolynomial, rhs: MultivariatePolynomial) -> MultivariatePolynomial {
        var sum = lhs.terms
        for (e, c) in rhs.terms { sum[e, default: .zero] += c }
        return MultivariatePolynomial(variableCount: lhs.variableCount, terms: sum)
    }

    static func * (lhs: MultivariatePolynomial, rhs: MultivariatePolynomial) -> MultivariatePolynomial {
        var product = [[Int]: Fraction]()
        for (e1, c1) in lhs.terms {
            for (e2, c2) in rhs.terms {
                product[zip(e1, e2).map { $0 + $1 }, default: .zero] += c1 * c2
            }
        }
        return MultivariatePolynomial(variableCount: lhs.variableCount, terms: product)
    }
}

/// Exact linear algebra over the rationals.
enum ExactLinearAlgebra {
    /// A solution `c` of `Σ_j c_j · columns[j] = target` (vectors given as coefficient maps over
    /// any keys), or `nil` when `target` is not in the span. Gauss–Jordan elimination.
    static func solve<Key: Hashable>(columns: [[Key: Fraction]], target: [Key: Fraction]) -> [Fraction]? {
        let keys = Array(Set(columns.flatMap(\.keys)).union(target.keys))
        // Augmented matrix: one row per key, one column per generator, then the target.
        var rows = keys.map { key in columns.map { $0[key] ?? .zero } + [target[key] ?? .zero] }
        let unknowns = columns.count
        var pivotColumns = [Int]()
        var pivotRow = 0
        for column in 0..<unknowns where pivotRow < rows.count {
            guard let found = (pivotRow..<rows.count).first(where: { !rows[$0][column].isZero }) else { continue }
            rows.swapAt(pivotRow, found)
            let inverse = rows[pivotRow][column].reciprocal
            rows[pivotRow] = rows[pivotRow].map { $0 * inverse }
            for r in 0..<rows.count where r != pivotRow && !rows[r][column].isZero {
                let factor = rows[r][column]
                rows[r] = zip(rows[r], rows[pivotRow]).map { $0 - factor * $1 }
            }
            pivotColumns.append(column)
            pivotRow += 1
        }
        // Inconsistent when a row reduced to 0 = non-zero.
        for r in pivotRow..<rows.count where !rows[r][unknowns].isZero { return nil }
        var solution = Array(repeating: Fraction.zero, count: unknowns)
        for (r, column) in pivotColumns.enumerated() { solution[column] = rows[r][unknowns] }
        return solution
    }
}
