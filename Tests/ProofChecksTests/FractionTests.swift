import BigInt
import Testing
import TensorCore
@testable import ProofChecks

@Suite("Fraction: exact rationals over BigInt")
struct FractionTests {
    @Test("normalises sign and common factors")
    func normalisation() {
        let f = Fraction(6, -4)
        #expect(f.numerator == -3 && f.denominator == 2)
        #expect(Fraction(0, -7) == .zero && Fraction(0, -7).denominator == 1)
        #expect(Fraction(-10, -15) == Fraction(2, 3))
        #expect(Fraction(4, 8).hashValue == Fraction(1, 2).hashValue)
    }

    @Test("hand-computed arithmetic")
    func arithmetic() {
        #expect(Fraction(1, 2) + Fraction(1, 3) == Fraction(5, 6))
        #expect(Fraction(1, 2) - Fraction(3, 4) == Fraction(-1, 4))
        #expect(Fraction(2, 3) * Fraction(9, 4) == Fraction(3, 2))
        #expect(Fraction(2, 3) / Fraction(-4, 9) == Fraction(-3, 2))
        #expect(Fraction(-2, 3).reciprocal == Fraction(-3, 2))
        #expect(Fraction(-2, 3).power(3) == Fraction(-8, 27))
        #expect(Fraction(5, 7).power(0) == .one)
        #expect([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)].sum() == .one)
    }

    @Test("ordering agrees with the real numbers")
    func ordering() {
        #expect(Fraction(1, 3) < Fraction(1, 2))
        #expect(Fraction(-1, 2) < Fraction(-1, 3))
        #expect(!(Fraction(2, 4) < Fraction(1, 2)))
        #expect(Fraction(-3, 4).magnitude == Fraction(3, 4))
    }

    @Test("field identities on random rationals, including multi-word integers")
    func fieldIdentities() {
        var stream = RandomStream(seed: 3)
        let huge = Fraction(BigInt(1) << 200, (BigInt(3) << 130) + 1)
        for _ in 0..<200 {
            let a = stream.fraction() * huge, b = stream.fraction(), c = stream.fraction() + huge
            #expect((a + b) - b == a)
            #expect(a * (b + c) == a * b + a * c)
            if !b.isZero { #expect((a * b) / b == a) }
            #expect(Fraction.gcd(a.numerator, a.denominator) == 1)
        }
    }

    @Test("gcd of large integers matches a hand-built common factor")
    func largeGCD() {
        let common = (BigInt(1) << 100) + 7
        let x = common * ((BigInt(1) << 90) + 1), y = common * 3 * ((BigInt(1) << 70) + 5)
        let g = Fraction.gcd(x, y)
        #expect(x % g == 0 && y % g == 0)
        #expect(g % common == 0)
        #expect(Fraction(x, y) == Fraction((BigInt(1) << 90) + 1, 3 * ((BigInt(1) << 70) + 5)))
    }

    @Test("doubleValue, also beyond Double's exponent range")
    func doubleValue() {
        #expect(Fraction(1, 3).doubleValue == 1.0 / 3.0)
        let tiny = Fraction(BigInt(1), BigInt(1) << 1500) * Fraction(BigInt(1) << 1499, BigInt(1))  // = 1/2
        #expect(tiny.doubleValue == 0.5)
        let ratio = Fraction(BigInt(5) << 1200, (BigInt(2) << 1200) + 1)
        #expect(abs(ratio.doubleValue - 2.5) < 1e-12)
    }
}

@Suite("Exact helpers")
struct ExactHelperTests {
    @Test("polynomial integrals are Beta functions")
    func betaIntegrals() {
        // ∫_0^1 p(1−p) dp = 1/6; ∫_0^1 p^2(1−p)^3 dp = 2!3!/6! = 1/60.
        #expect(Polynomial.bernoulliProduct(ones: 1, length: 2).integral(from: .zero, to: .one) == Fraction(1, 6))
        #expect(Polynomial.bernoulliProduct(ones: 2, length: 5).integral(from: .zero, to: .one) == Fraction(1, 60))
        #expect(Combinatorics.betaFunction(3, 4) == Fraction(1, 60))
        #expect(Polynomial.identity.integral(from: Fraction(1, 2), to: .one) == Fraction(3, 8))
    }

    @Test("counting")
    func counting() {
        #expect(Combinatorics.binomial(8, 3) == 56 && Combinatorics.binomial(3, 5) == 0)
        let multisets = Combinatorics.multisets(alphabetSize: 3, length: 4)
        #expect(multisets.count == 15)  // C(6, 2)
        #expect(multisets.map(\.permutations).reduce(0, +) == 81)  // 3^4 ordered batches
        #expect(Combinatorics.injections(from: 2, into: 4).count == 12)
        #expect(Set(Combinatorics.permutations(4)).count == 24)
    }

    @Test("the incomplete Beta function's finite form")
    func incompleteBeta() {
        // I_x(1, 1) = x; I_x(2, 1) = x²; I_x(1, 2) = 1 − (1 − x)².
        let x = Fraction(3, 10)
        #expect(ThesisFormulas.regularisedIncompleteBeta(x: x, a: 1, b: 1) == x)
        #expect(ThesisFormulas.regularisedIncompleteBeta(x: x, a: 2, b: 1) == x * x)
        #expect(ThesisFormulas.regularisedIncompleteBeta(x: x, a: 1, b: 2) == .one - (Fraction.one - x).power(2))
    }

    @Test("exact linear solve finds a combination or reports none")
    func linearSolve() {
        let columns: [[String: Fraction]] = [["x": 1, "y": 1], ["x": 1, "y": -1]]
        #expect(ExactLinearAlgebra.solve(columns: columns, target: ["x": 3, "y": 1]) == [2, 1])
        #expect(ExactLinearAlgebra.solve(columns: [["x": 1]], target: ["y": 1]) == nil)
    }
}
