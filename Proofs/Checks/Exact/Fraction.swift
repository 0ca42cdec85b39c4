import BigInt

/// An exact rational number `numerator / denominator` over arbitrary-precision integers.
///
/// Always normalised: `denominator > 0` and `gcd(|numerator|, denominator) = 1`, so two
/// fractions are equal exactly when their stored integers are equal (`==` and `hash` rely on it).
/// Division by zero is a programming error and traps, as it does for `Int`.
struct Fraction: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// Signed numerator, coprime with `denominator`.
    private(set) var numerator: BigInt
    /// Positive denominator.
    private(set) var denominator: BigInt

    /// `numerator / denominator`, normalised; `denominator` must not be zero.
    init(_ numerator: BigInt, _ denominator: BigInt) {
        precondition(!denominator.isZero, "Fraction: zero denominator")
        let divisor = Self.gcd(numerator, denominator)
        var top = numerator / divisor
        var bottom = denominator / divisor
        if bottom.sign == .minus { top.negate(); bottom.negate() }
        self.numerator = top
        self.denominator = bottom
    }

    /// `numerator / denominator` for machine integers; `denominator` must not be zero.
    init(_ numerator: Int, _ denominator: Int) {
        self.init(BigInt(numerator), BigInt(denominator))
    }

    /// The integer `value`.
    init(_ value: BigInt) {
        numerator = value
        denominator = 1
    }

    init(_ value: Int) { self.init(BigInt(value)) }

    init(integerLiteral value: Int) { self.init(value) }

    /// Already-normalised parts (internal fast path, no gcd).
    private init(normalisedNumerator: BigInt, denominator: BigInt) {
        self.numerator = normalisedNumerator
        self.denominator = denominator
    }

    static let zero = Fraction(0)
    static let one = Fraction(1)

    var isZero: Bool { numerator.isZero }
    var isNegative: Bool { numerator.sign == .minus && !numerator.isZero }
    var magnitude: Fraction { isNegative ? -self : self }

    /// `1 / self`; `self` must not be zero.
    var reciprocal: Fraction {
        precondition(!isZero, "Fraction: reciprocal of zero")
        return numerator.sign == .minus
            ? Fraction(normalisedNumerator: -denominator, denominator: -numerator)
            : Fraction(normalisedNumerator: denominator, denominator: numerator)
    }

    /// `self` raised to a non-negative integer power (`x^0 = 1`, also for `x = 0`).
    func power(_ exponent: Int) -> Fraction {
        precondition(exponent >= 0, "Fraction.power: negative exponent \(exponent)")
        var result = Fraction.one
        var base = self
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= base }
            base *= base
            remaining >>= 1
        }
        return result
    }

    /// The nearest `Double` (to within a few ulps), also for integers too large for `Double` alone.
    var doubleValue: Double {
        if isZero { return 0 }
        let excess = max(numerator.magnitude.bitWidth, denominator.magnitude.bitWidth) - 1000
        if excess <= 0 { return Double(numerator) / Double(denominator) }
        // Drop the same number of low bits from both; keep at least 64 significant bits of each.
        let shiftTop = min(excess, max(0, numerator.magnitude.bitWidth - 64))
        let shiftBottom = min(excess, max(0, denominator.magnitude.bitWidth - 64))
        let top = Double(numerator >> shiftTop)
        let bottom = Double(denominator >> shiftBottom)
        return (top / bottom) * Double(sign: .plus, exponent: shiftTop - shiftBottom, significand: 1)
    }

    var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    // MARK: Arithmetic

    static func + (lhs: Fraction, rhs: Fraction) -> Fraction {
        if lhs.denominator == rhs.denominator {
            return Fraction(lhs.numerator + rhs.numerator, lhs.denominator)
        }
        return Fraction(lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator,
                        lhs.denominator * rhs.denominator)
    }

    static func - (lhs: Fraction, rhs: Fraction) -> Fraction { lhs + (-rhs) }

    static prefix func - (value: Fraction) -> Fraction {
        Fraction(normalisedNumerator: -value.numerator, denominator: value.denominator)
    }

    /// Cross-cancels before multiplying, so the gcds stay small.
    static func * (lhs: Fraction, rhs: Fraction) -> Fraction {
        if lhs.isZero || rhs.isZero { return .zero }
        let g1 = gcd(lhs.numerator, rhs.denominator)
        let g2 = gcd(rhs.numerator, lhs.denominator)
        return Fraction(normalisedNumerator: (lhs.numerator / g1) * (rhs.numerator / g2),
                        denominator: (lhs.denominator / g2) * (rhs.denominator / g1))
    }

    static func / (lhs: Fraction, rhs: Fraction) -> Fraction { lhs * rhs.reciprocal }

    static func += (lhs: inout Fraction, rhs: Fraction) { lhs = lhs + rhs }
    static func -= (lhs: inout Fraction, rhs: Fraction) { lhs = lhs - rhs }
    static func *= (lhs: inout Fraction, rhs: Fraction) { lhs = lhs * rhs }
    static func /= (lhs: inout Fraction, rhs: Fraction) { lhs = lhs / rhs }

    static func < (lhs: Fraction, rhs: Fraction) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    // MARK: gcd

    /// Non-negative gcd; Euclid's algorithm on big integers until both fit a machine word,
    /// then the binary algorithm on `UInt64` (BigInt's own gcd allocates on every step).
    static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        var x = a.magnitude
        var y = b.magnitude
        while y.bitWidth > 64 || x.bitWidth > 64 {
            if y.isZero { return BigInt(x) }
            (x, y) = (y, x % y)
        }
        return BigInt(binaryGCD(UInt64(x), UInt64(y)))
    }

    private static func binaryGCD(_ a: UInt64, _ b: UInt64) -> UInt64 {
        if a == 0 { return b }
        if b == 0 { return a }
        let shift = (a | b).trailingZeroBitCount
        var x = a >> a.trailingZeroBitCount
        var y = b
        repeat {
            y >>= y.trailingZeroBitCount
            if x > y { swap(&x, &y) }
            y -= x
        } while y != 0
        return x << shift
    }
}

extension Sequence where Element == Fraction {
    /// Exact sum (zero for an empty sequence).
    func sum() -> Fraction { reduce(Fraction.zero, +) }
}
