import TensorCore

/// Draws mixed batches on a finite support by running the procedure of spec §3.3 step by step:
/// `p* ~ prior`, `β_i ~ Bernoulli(p*)`, row i from p1 if `β_i = 1` else from p2. Float64, seeded.
///
/// An independent reference for the procedure; `ProjectMixedBatchSampler` draws the same batches
/// through the project's training code (`Adversarial.MixedBatch.draw`).
struct MixedBatchSampler {
    let prior: ProportionPrior
    let batchSize: Int
    private let realCumulative: [Double]
    private let generatedCumulative: [Double]
    private var uniforms: UniformDoubles

    init(real: FiniteDistribution, generated: FiniteDistribution, prior: ProportionPrior, batchSize: Int,
         stream: RandomStream) throws {
        _ = try MixedBatchProcedure(real: real, generated: generated, prior: prior, batchSize: batchSize)
        self.prior = prior
        self.batchSize = batchSize
        func cumulative(_ d: FiniteDistribution) -> [Double] {
            var running = 0.0
            return d.probabilities.map { running += $0.doubleValue; return running }
        }
        realCumulative = cumulative(real)
        generatedCumulative = cumulative(generated)
        uniforms = UniformDoubles(stream: stream)
    }

    /// One mixed batch (rows as support indices) and its number of real rows `#β`.
    mutating func next() -> (batch: [Int], realCount: Int) {
        let proportion = drawProportion()
        var batch = [Int](), realCount = 0
        batch.reserveCapacity(batchSize)
        for _ in 0..<batchSize {
            let isReal = uniforms.next() < proportion
            if isReal { realCount += 1 }
            let u = uniforms.next()
            let table = isReal ? realCumulative : generatedCumulative
            batch.append(table.firstIndex { u < $0 } ?? table.count - 1)
        }
        return (batch, realCount)
    }

    /// `p* ~ prior`: inversion for the uniform and smoothing priors; for Beta(a, b) with integer
    /// parameters, the a-th smallest of a + b − 1 uniforms.
    private mutating func drawProportion() -> Double {
        switch prior {
        case .uniform:
            return uniforms.next()
        case let .beta(a, b):
            return (0..<(a + b - 1)).map { _ in uniforms.next() }.sorted()[a - 1]
        case let .batchSmoothing(gamma):
            let g = gamma.doubleValue
            if g == 0 { return uniforms.next() < 0.5 ? 0 : 1 }
            let x = 2 * g * uniforms.next()
            return x < g ? x : 1 - 2 * g + x
        }
    }
}

/// Uniform doubles in [0, 1) with 53 random bits, two per Philox block of a `RandomStream`.
struct UniformDoubles {
    private var stream: RandomStream
    private var pending: Double?

    init(stream: RandomStream) { self.stream = stream }

    mutating func next() -> Double {
        if let value = pending { pending = nil; return value }
        let (w0, w1, w2, w3) = stream.nextBlock()
        func unit(_ high: UInt32, _ low: UInt32) -> Double {
            Double((UInt64(high) << 32 | UInt64(low)) >> 11) * 0x1p-53
        }
        pending = unit(w2, w3)
        return unit(w0, w1)
    }
}
