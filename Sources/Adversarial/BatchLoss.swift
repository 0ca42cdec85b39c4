import TensorCore

/// Where the Bernoulli-KL loss meets the per-sample outputs `o_1 … o_B` of the last
/// equivariant layer (spec §3.3, Eqs. 4.13–4.14).
public enum LossPlacement: Equatable, Sendable {
    /// BGAN (Eq. 4.13): one prediction per batch, `ℓ((1/B) Σ_i o_i, u)`.
    case bgan(BatchAggregation)
    /// M-BGAN (Eq. 4.14): `(1/B) Σ_i ℓ(o_i, u)`, a per-sample sigmoid on each output; an
    /// average of B weight-sharing invariant discriminators (Eq. 4.15).
    case mbgan

    public static let `default` = LossPlacement.bgan(.averageLogits)
}

/// How BGAN turns the B outputs into one prediction — the thesis leaves open whether
/// the sigmoid comes before or after the average (spec ambiguity A4.6).
public enum BatchAggregation: String, Equatable, Sendable {
    /// `σ((1/B) Σ_i o_i)`: average the logits, then the sigmoid (our default: it is the
    /// invariant network of Eq. 4.10 with a sigmoid output, and stable in the logits).
    case averageLogits
    /// `(1/B) Σ_i σ(o_i)`: average the probabilities.
    case averageProbabilities
}

/// The mixed-batch losses of Eqs. 4.4–4.5, for either placement.
///
/// Inputs are the per-sample logits `[B]` or `[B, 1]` of an equivariant discriminator
/// applied to a mixed batch (`InvariantNetwork.perSampleOutputs`). BGAN's batch prediction
/// averages over the global batch under data parallelism (every process computes the same
/// prediction and loss); M-BGAN's per-sample losses average over the shard, as any per-sample
/// loss does (the procedure then averages over the processes).
public struct BatchDiscriminatorLoss: Equatable, Sendable {
    public let placement: LossPlacement

    public init(placement: LossPlacement = .default) {
        self.placement = placement
    }

    /// Eq. 4.4: `KL(Bern(#β/B) ‖ Bern(D(m_β)))`, minimised by the discriminator.
    /// Returned as a scalar tensor (the true KL, ≥ 0).
    public func discriminatorLoss(logits: Tensor, realFraction: Float) throws -> Tensor {
        let o = try perSample(logits)
        let u = Tensor(realFraction)
        switch placement {
        case .bgan(.averageLogits):
            return try bernoulliKL(target: u, logits: o.batchMean())
        case .bgan(.averageProbabilities):
            return try bernoulliKLOfProbability(target: realFraction, probability: sigmoid(o).batchMean())
        case .mbgan:
            return try bernoulliKL(target: u, logits: o).mean()
        }
    }

    /// Eq. 4.5, non-saturating: the generator minimises `−ln D(m_β)` (per sample and
    /// averaged for M-BGAN). Gradients reach the generator through the generated rows.
    public func generatorLoss(logits: Tensor) throws -> Tensor {
        let o = try perSample(logits)
        switch placement {
        case .bgan(.averageLogits):
            return try -logSigmoid(o.batchMean())
        case .bgan(.averageProbabilities):
            return try -log(sigmoid(o).batchMean())
        case .mbgan:
            return -logSigmoid(o).mean()
        }
    }

    /// The discriminator's prediction of the real fraction, `D(m) ∈ (0, 1)`.
    public func prediction(logits: Tensor) throws -> Float {
        let o = try perSample(logits)
        switch placement {
        case .bgan(.averageLogits): return try sigmoid(o.batchMean()).scalar
        case .bgan(.averageProbabilities), .mbgan: return try sigmoid(o).batchMean().scalar
        }
    }

    private func perSample(_ logits: Tensor) throws -> Tensor {
        guard logits.rank == 1 || (logits.rank == 2 && logits.shape[1] == 1), logits.shape[0] > 0 else {
            throw TensorError.invalidShape(operation: "BatchDiscriminatorLoss", shape: logits.shape,
                                           expected: "expected per-sample logits [B] or [B, 1]")
        }
        return try logits.reshaped([-1])
    }

    /// `KL(Bern(u) ‖ Bern(p))` from a probability, clamped away from 0 and 1.
    private func bernoulliKLOfProbability(target u: Float, probability p: Tensor) throws -> Tensor {
        let q = clamp(p, min: 1e-7, max: 1 - 1e-7)
        let crossEntropy = try -(u * log(q) + (1 - u) * log(1 - q))
        return try crossEntropy - bernoulliEntropy(Tensor(u))
    }
}

extension LossPlacement: CustomStringConvertible {
    public var description: String {
        switch self {
        case .bgan(.averageLogits): return "BGAN (mean of logits, then sigmoid)"
        case .bgan(.averageProbabilities): return "BGAN (mean of probabilities)"
        case .mbgan: return "M-BGAN"
        }
    }
}
