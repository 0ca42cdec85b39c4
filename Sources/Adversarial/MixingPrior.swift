import TensorCore

/// A prior over the mixing proportion p* of a mixed batch (§4.3, spec §3.3): each
/// sample of the batch is real with probability p*.
public protocol MixingPrior: Sendable {
    /// Draws one proportion p* ∈ [0, 1].
    func sampleProportion(using random: inout RandomStream) throws -> Float
}

/// Batch smoothing-γ: p* uniform on `[0, γ] ∪ [1 − γ, 1]`, γ ∈ [0, ½].
///
/// γ = 0 puts p* on {0, 1} (pure batches: all real or all generated); γ = ½ is the
/// uniform prior of Proposition 1. Small γ keeps batches nearly pure (easier for the
/// discriminator).
public struct BatchSmoothingPrior: MixingPrior, Equatable {
    public let gamma: Float

    public init(gamma: Float) throws {
        guard gamma >= 0, gamma <= 0.5 else {
            throw TensorError.invalidArgument(operation: "BatchSmoothingPrior",
                                              detail: "γ = \(gamma) is outside [0, 0.5]; use 0 for pure batches or 0.5 for the uniform prior")
        }
        self.gamma = gamma
    }

    public func sampleProportion(using random: inout RandomStream) throws -> Float {
        let u = random.unitUniform()
        if gamma == 0 { return u < 0.5 ? 0 : 1 }
        let position = u * 2 * gamma  // uniform on [0, 2γ): the two intervals laid end to end
        return position < gamma ? position : 1 - 2 * gamma + position
    }
}

/// p* ~ Beta(a, b) (the generalisation of Proposition 1 in the Proofs).
public struct BetaPrior: MixingPrior, Equatable {
    public let a: Float
    public let b: Float

    public init(a: Float, b: Float) throws {
        guard a > 0, b > 0, a.isFinite, b.isFinite else {
            throw TensorError.invalidArgument(operation: "BetaPrior", detail: "a = \(a), b = \(b) must be positive and finite")
        }
        self.a = a
        self.b = b
    }

    public func sampleProportion(using random: inout RandomStream) throws -> Float {
        try random.beta(a, b)
    }
}
