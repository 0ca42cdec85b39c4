import TensorCore

/// The loss terms of the hybrids (spec §6.3), as functions of network outputs so that each
/// can be checked by hand.
public enum HybridLosses {
    /// ln p(x | ẑ_t) up to a constant for each point and sample: `x` `[B, D]`,
    /// `reconstructions` `[B, T, D]` → `[B, T]`.
    public static func reconstructionLogLikelihood(_ x: Tensor, _ reconstructions: Tensor,
                                                   kind: HybridComponents.Reconstruction) throws -> Tensor {
        guard x.rank == 2, reconstructions.rank == 3, reconstructions.shape[0] == x.shape[0],
              reconstructions.shape[2] == x.shape[1] else {
            throw TensorError.shapeMismatch(operation: "reconstructionLogLikelihood", lhs: x.shape, rhs: reconstructions.shape,
                                            expected: "x [B, D] and reconstructions [B, T, D]")
        }
        let difference = try reconstructions - x.expandingShape(at: 1)
        let cost = kind == .l1 ? abs(difference) : square(difference)
        return try -cost.sum(alongAxes: [2])
    }

    /// Combines `values` `[B, T]` over the T samples: the mean, or the maximum (best of
    /// many: `max_t a_t`, which bounds `ln (1/T) Σ_t e^{a_t}` within `[max − ln T, max]`).
    /// `[B]`.
    public static func aggregate(_ values: Tensor, _ aggregation: HybridComponents.SampleAggregation) throws -> Tensor {
        guard values.rank == 2 else {
            throw TensorError.invalidShape(operation: "HybridLosses.aggregate", shape: values.shape, expected: "[B, T]")
        }
        return aggregation == .best ? try values.max(alongAxis: 1) : try values.mean(alongAxes: [1])
    }

    /// The hinge loss of a critic (Lim & Ye 2017; Miyato et al. 2018):
    /// `mean(max(0, 1 − D(real))) + mean(max(0, 1 + D(fake)))`.
    public static func hinge(real: Tensor, fake: Tensor) throws -> Tensor {
        try relu(1 - real).mean() + relu(1 + fake).mean()
    }

    /// The cross-entropy of a classifier with logits `real` (label 1) and `fake` (label 0):
    /// `mean(softplus(−real)) + mean(softplus(fake))`.
    public static func crossEntropy(real: Tensor, fake: Tensor) throws -> Tensor {
        try softplus(-real).mean() + softplus(fake).mean()
    }

    /// The prior-matching penalty from the code discriminator's logits `codeLogits` on
    /// posterior samples (logit of "drawn from the prior"): `mean(−C)` estimates
    /// KL(q ‖ p) when C is optimal; `mean(softplus(−C))` is WAE-GAN's penalty.
    public static func codePenalty(_ codeLogits: Tensor, _ prior: HybridComponents.PriorMatching) throws -> Tensor {
        switch prior {
        case .codeDiscriminatorKL: return (-codeLogits).mean()
        case .codeDiscriminatorJS: return softplus(-codeLogits).mean()
        case .analyticKL:
            throw TensorError.invalidArgument(operation: "codePenalty", detail: "the analytic KL needs no code discriminator")
        }
    }
}
