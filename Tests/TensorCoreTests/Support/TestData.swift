import TensorCore

/// Deterministic test inputs drawn from a seeded `RandomStream`, with the shapes of
/// data that keep finite-difference checks away from kinks and ties.
struct TestData {
    private var stream: RandomStream

    init(seed: UInt64) { stream = RandomStream(seed: seed) }

    /// Uniform values in `range`.
    mutating func uniform(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
        stream.uniform(shape, low: range.lowerBound, high: range.upperBound)
    }

    /// Values in `range` that are strictly positive (for log, sqrt, pow, division).
    mutating func positive(_ shape: [Int], in range: ClosedRange<Float> = 0.5...2) -> Tensor {
        precondition(range.lowerBound > 0)
        return uniform(shape, in: range)
    }

    /// Values with `margin ≤ |x| ≤ margin + 1` and random signs, so that functions with a
    /// kink at 0 (relu, abs, leakyRelu) are smooth within a finite-difference step.
    mutating func awayFromZero(_ shape: [Int], margin: Float = 0.2) -> Tensor {
        let u = uniform(shape)
        return u.map { $0 < 0 ? $0 - margin : $0 + margin }
    }

    /// All-distinct values `spacing` apart, in random order: every max/min has a unique
    /// winner that a finite-difference step cannot overtake.
    mutating func distinct(_ shape: [Int], spacing: Float = 0.1) -> Tensor {
        let n = shape.reduce(1, *)
        let order = stream.permutation(n)
        let offset = Float(n - 1) * spacing / 2
        return try! Tensor(shape: shape, scalars: order.map { Float($0) * spacing - offset })
    }

    /// Integers drawn uniformly from `range`.
    mutating func integers(_ count: Int, in range: Range<Int>) -> [Int] {
        (0..<count).map { _ in stream.integer(in: range) }
    }
}

/// Largest absolute elementwise difference of two equally shaped tensors.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
}

/// Whether two tensors have the same shape and agree within `tolerance · (1 + |b|)`
/// elementwise.
func isClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5) -> Bool {
    a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) <= tolerance * (1 + Swift.abs($1)) }
}

/// Whether every |a − b| is within `tolerance` of the largest |b| (or of 1): for sums whose
/// rounding error scales with the magnitude of their terms rather than of each result.
func isCloseInScale(_ a: Tensor, _ b: Tensor, tolerance: Float) -> Bool {
    let scale = max(1, b.scalars.map { Swift.abs($0) }.max() ?? 0)
    return a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) <= tolerance * scale }
}

/// `Σ a·b` accumulated in Float64 (inner products for adjointness identities).
func innerProduct(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}

/// Whether two tensors have the same shape and bit-identical scalars.
func isIdentical(_ a: Tensor, _ b: Tensor) -> Bool {
    a.shape == b.shape && a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern)
}
