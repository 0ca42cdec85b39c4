import Foundation

/// A seeded, splittable, counter-based stream of random numbers (Philox4x32-10).
///
/// The whole state is `(key, counter)`: two integers that a checkpoint stores and
/// restores, so a resumed run draws exactly the numbers an uninterrupted run would.
/// `split(_:)` derives independent child streams (per module, per seed, per worker)
/// without consuming from the parent.
public struct RandomStream: Equatable, Sendable {
    /// The Philox key (derived from the seed).
    public let key: UInt64
    /// Number of 128-bit blocks consumed so far.
    public private(set) var counter: UInt64

    public init(seed: UInt64) {
        self.init(key: seed, counter: 0)
    }

    /// Restores a stream from its saved state.
    public init(key: UInt64, counter: UInt64) {
        self.key = key
        self.counter = counter
    }

    /// An independent stream identified by `index`; the parent is not advanced.
    public func split(_ index: UInt64) -> RandomStream {
        let words = Philox4x32.block(counter: (UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
                                               0x5EED_5EED, 0x0005_EED5),
                                     key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
        return RandomStream(seed: UInt64(words.0) | UInt64(words.1) << 32)
    }

    /// An independent stream identified by a name (FNV-1a hash of its UTF-8 bytes).
    public func split(_ name: String) -> RandomStream {
        split(FNV1aHash.of(name).value)
    }

    /// The next four 32-bit words.
    public mutating func nextBlock() -> (UInt32, UInt32, UInt32, UInt32) {
        defer { counter &+= 1 }
        return Philox4x32.block(
            counter: (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0),
            key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
    }

    /// Fills `count` slots by calling `body` with four fresh words per step.
    mutating func fill(_ count: Int, _ body: (Int, (UInt32, UInt32, UInt32, UInt32)) -> Void) {
        var i = 0
        while i < count {
            body(i, nextBlock())
            i += 4
        }
    }

    /// Uniform in `[0, 1)` with 24 random bits.
    static func unit(_ word: UInt32) -> Float { Float(word >> 8) * 0x1p-24 }

    /// Uniform in `(0, 1]`, safe for `log`.
    static func unitOpenZero(_ word: UInt32) -> Float { Float((word >> 8) + 1) * 0x1p-24 }

    /// Uniform samples in `[low, high)`.
    public mutating func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        var words = [UInt32]()
        return Tensor(shape: shape) { out, n in
            words = wordsArray(n)
            for i in 0..<n { out[i] = low + (high - low) * Self.unit(words[i]) }
        }
    }

    /// Gaussian samples (Box–Muller on pairs of uniforms).
    public mutating func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1) -> Tensor {
        var words = [UInt32]()
        return Tensor(shape: shape) { out, n in
            words = wordsArray(n + n % 2)
            var i = 0
            while i < n {
                let radius = (-2 * Foundation.log(Self.unitOpenZero(words[i]))).squareRoot()
                let angle = 2 * Float.pi * Self.unit(words[i + 1])
                out[i] = mean + standardDeviation * radius * Foundation.cos(angle)
                if i + 1 < n { out[i + 1] = mean + standardDeviation * radius * Foundation.sin(angle) }
                i += 2
            }
        }
    }

    /// 0/1 samples, 1 with probability `p`.
    public mutating func bernoulli(_ shape: [Int], probability p: Float) -> Tensor {
        let u = uniform(shape)
        return u.map { $0 < p ? 1 : 0 }
    }

    /// 0/1 samples with per-element probabilities (any shape).
    public mutating func bernoulli(probabilities: Tensor) -> Tensor {
        let u = uniform(probabilities.shape)
        return try! Tensor.broadcastKernel(u, probabilities.detached, operation: "bernoulli") { $0 < $1 ? 1 : 0 }
    }

    /// A uniformly random integer in `range`.
    public mutating func integer(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "integer(in:) needs a non-empty range")
        let block = nextBlock()
        let wide = UInt64(block.0) | UInt64(block.1) << 32
        return range.lowerBound + Int(wide % UInt64(range.count))
    }

    /// A uniformly random permutation of `0..<n` (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        if n < 2 { return order }
        let words = wordsArray(2 * n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            let wide = UInt64(words[2 * i]) | UInt64(words[2 * i + 1]) << 32
            order.swapAt(i, Int(wide % UInt64(i + 1)))
        }
        return order
    }

    /// `count` draws from the categorical distribution with the given (unnormalised,
    /// non-negative) weights.
    public mutating func categorical(weights: [Float], count: Int) throws -> [Int] {
        let total = weights.reduce(0, +)
        guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 && $0.isFinite }), total > 0, total.isFinite else {
            throw TensorError.invalidArgument(operation: "categorical",
                                              detail: "weights must be finite, non-negative and not all zero")
        }
        guard count >= 0 else {
            throw TensorError.invalidArgument(operation: "categorical", detail: "count \(count) must be non-negative")
        }
        var cumulative = [Float]()
        var running: Float = 0
        for w in weights { running += w; cumulative.append(running / total) }
        let u = uniform([count]).scalars
        return u.map { value in
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if value < cumulative[mid] { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
    }

    /// One categorical draw per row of `logits` `[N, K] -> N` indices (Gumbel-max).
    public mutating func categorical(logits: Tensor) throws -> [Int] {
        guard logits.rank == 2 else {
            throw TensorError.invalidShape(operation: "categorical(logits:)", shape: logits.shape, expected: "expected [N, K]")
        }
        let u = uniform(logits.shape).scalars
        let l = logits.scalars
        let k = logits.shape[1]
        return (0..<logits.shape[0]).map { row in
            var best = 0
            var bestValue = -Float.infinity
            for j in 0..<k {
                let gumbel = -Foundation.log(-Foundation.log(max(u[row * k + j], 0x1p-25)))
                if l[row * k + j] + gumbel > bestValue { bestValue = l[row * k + j] + gumbel; best = j }
            }
            return best
        }
    }

    mutating func wordsArray(_ n: Int) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: (n + 3) / 4 * 4)
        fill(n) { i, block in
            words[i] = block.0; words[i + 1] = block.1; words[i + 2] = block.2; words[i + 3] = block.3
        }
        return words
    }
}
