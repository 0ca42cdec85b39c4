import BigInt

/// Counting helpers, exact.
enum Combinatorics {
    /// `n!` for `n ≥ 0`.
    static func factorial(_ n: Int) -> BigInt {
        precondition(n >= 0, "factorial of negative \(n)")
        return (0..<n).reduce(BigInt(1)) { $0 * BigInt($1 + 1) }
    }

    /// `C(n, k)`; zero outside `0 ≤ k ≤ n`.
    static func binomial(_ n: Int, _ k: Int) -> BigInt {
        guard 0 <= k, k <= n else { return 0 }
        var result = BigInt(1)
        for i in 0..<min(k, n - k) { result = result * BigInt(n - i) / BigInt(i + 1) }
        return result
    }

    /// The Euler Beta function `B(a, b) = (a−1)! (b−1)! / (a+b−1)!` for integers `a, b ≥ 1`.
    static func betaFunction(_ a: Int, _ b: Int) -> Fraction {
        precondition(a >= 1 && b >= 1, "betaFunction: integer arguments must be ≥ 1, got (\(a), \(b))")
        return Fraction(factorial(a - 1) * factorial(b - 1), factorial(a + b - 1))
    }

    /// Every non-decreasing sequence of length `length` over `0..<alphabetSize` (one per multiset),
    /// with the number of distinct sequences that are permutations of it (the multinomial coefficient).
    static func multisets(alphabetSize: Int, length: Int) -> [(sequence: [Int], permutations: BigInt)] {
        var result = [(sequence: [Int], permutations: BigInt)]()
        var current = [Int]()
        func extend(from symbol: Int) {
            if current.count == length {
                var counts = [Int](repeating: 0, count: alphabetSize)
                for s in current { counts[s] += 1 }
                let permutations = counts.reduce(factorial(length)) { $0 / factorial($1) }
                result.append((current, permutations))
                return
            }
            for s in symbol..<alphabetSize {
                current.append(s)
                extend(from: s)
                current.removeLast()
            }
        }
        extend(from: 0)
        return result
    }

    /// Every sequence of length `length` over `0..<alphabetSize` (`alphabetSize^length` of them).
    static func sequences(alphabetSize: Int, length: Int) -> [[Int]] {
        var result: [[Int]] = [[]]
        for _ in 0..<length {
            result = result.flatMap { prefix in (0..<alphabetSize).map { prefix + [$0] } }
        }
        return result
    }

    /// Every injective map `{0..<r} → {0..<n}`, as the list of its images (`n!/(n−r)!` of them).
    static func injections(from r: Int, into n: Int) -> [[Int]] {
        var result = [[Int]]()
        var current = [Int]()
        var used = [Bool](repeating: false, count: n)
        func extend() {
            if current.count == r { result.append(current); return }
            for i in 0..<n where !used[i] {
                used[i] = true; current.append(i)
                extend()
                used[i] = false; current.removeLast()
            }
        }
        extend()
        return result
    }

    /// Every permutation of `0..<n`.
    static func permutations(_ n: Int) -> [[Int]] { injections(from: n, into: n) }
}
