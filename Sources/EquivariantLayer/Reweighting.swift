/// The fixed re-weighting of §4.4.3: `Λ̃ = B/(B+1) Λ` and `Γ̃ = 1/(B+1) Γ`, so that at
/// initialisation the batch statistic does not dominate the per-sample features. B is
/// the size of the batch actually passed (or its number of valid samples).
public enum BatchMixingWeights: Equatable, Sendable {
    /// `B/(B+1)` on the per-sample kernel Λ and `1/(B+1)` on the batch kernel Γ (default).
    case reweighted
    /// Λ and Γ used as they are.
    case plain

    /// The multipliers `(λ, γ)` applied to Λ and Γ for a batch of `batchSize` samples.
    public func multipliers(batchSize: Int) -> (perSample: Float, batchMixing: Float) {
        switch self {
        case .reweighted:
            let b = Float(batchSize)
            return (b / (b + 1), 1 / (b + 1))
        case .plain:
            return (1, 1)
        }
    }
}
