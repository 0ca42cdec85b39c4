import Adversarial
import TensorCore

/// Draws mixed batches on a finite support with the project's training code: rows are support
/// indices (as `[B, 1]` tensors) drawn by `RandomStream.categorical`, mixed by
/// `Adversarial.MixedBatch.draw` with the `Adversarial` prior that matches `prior`.
///
/// Each call yields the mixed batch and, on alternate calls, its complement (the rows discarded by
/// β, target 1 − #β/B), which under a symmetric prior is again a draw from the same procedure.
struct ProjectMixedBatchSampler {
    private let real: [Float]
    private let generated: [Float]
    private let batchSize: Int
    private let prior: any Adversarial.MixingPrior
    private let useComplement: Bool
    private var stream: RandomStream
    private var pendingComplement: (batch: [Int], realCount: Int)?

    init(real: FiniteDistribution, generated: FiniteDistribution, prior: ProportionPrior, batchSize: Int,
         stream: RandomStream) throws {
        self.real = real.probabilities.map { Float($0.doubleValue) }
        self.generated = generated.probabilities.map { Float($0.doubleValue) }
        self.batchSize = batchSize
        self.stream = stream
        self.prior = try prior.adversarialPrior()
        useComplement = prior.isSymmetric
    }

    mutating func next() throws -> (batch: [Int], realCount: Int) {
        if let complement = pendingComplement {
            pendingComplement = nil
            return complement
        }
        let realRows = try stream.categorical(weights: real, count: batchSize).map(Float.init)
        let generatedRows = try stream.categorical(weights: generated, count: batchSize).map(Float.init)
        let (batch, complement) = try MixedBatch.draw(real: Tensor(shape: [batchSize, 1], scalars: realRows),
                                                      generated: Tensor(shape: [batchSize, 1], scalars: generatedRows),
                                                      prior: prior, random: &stream)
        func decode(_ mixed: MixedBatch) -> (batch: [Int], realCount: Int) {
            (mixed.samples.scalars.map { Int($0) }, Int(mixed.isReal.scalars.reduce(0, +)))
        }
        if useComplement { pendingComplement = decode(complement) }
        return decode(batch)
    }
}

extension ProportionPrior {
    /// The `Adversarial` prior that draws the same p* (in Float32).
    func adversarialPrior() throws -> any Adversarial.MixingPrior {
        switch try validated() {
        case .uniform: return try BatchSmoothingPrior(gamma: 0.5)
        case let .batchSmoothing(gamma): return try BatchSmoothingPrior(gamma: Float(gamma.doubleValue))
        case let .beta(a, b): return try BetaPrior(a: Float(a), b: Float(b))
        }
    }

    /// Whether p* and 1 − p* have the same law (then the complement of a mixed batch is again a draw).
    var isSymmetric: Bool {
        switch self {
        case .uniform, .batchSmoothing: return true
        case let .beta(a, b): return a == b
        }
    }
}
