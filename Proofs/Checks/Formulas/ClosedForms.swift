/// The closed forms that Proposition 1 (and its generalisations) claim for one prior on p*.
///
/// The checks take a `ClosedForms` (or one of its members) as a parameter and compare it with the
/// mixed-batch procedure itself, so a test can hand them a deliberately wrong variant.
struct ClosedForms {
    /// `P(β)` for one label vector with `realCount` ones in a batch of `batchSize`.
    var labelMass: (_ batchSize: Int, _ realCount: Int) -> Fraction
    /// `P(y)` (= `p_balanced` for the uniform prior), from the label sums of y.
    var batchDensity: (LabelSums) -> Fraction
    /// `Q(y)` (= `p_unbalanced` for the uniform prior), from the label sums of y.
    var tiltedBatchDensity: (LabelSums) -> Fraction
    /// `D*(y)`, from the label sums of y.
    var optimalDiscriminator: (LabelSums) -> Fraction
    /// `c` in `D* = c · Q/P` (½ for the uniform prior, a/(a+b) for Beta(a, b)).
    var ratioScale: Fraction

    /// The closed forms the thesis (uniform, Beta) or the spec's derivation (smoothing-γ) state.
    static func thesis(for prior: ProportionPrior) -> ClosedForms {
        switch prior {
        case .uniform:
            return ClosedForms(labelMass: ThesisFormulas.uniformLabelMass,
                               batchDensity: ThesisFormulas.balancedDensity,
                               tiltedBatchDensity: ThesisFormulas.unbalancedDensity,
                               optimalDiscriminator: ThesisFormulas.uniformOptimalDiscriminator,
                               ratioScale: Fraction(1, 2))
        case let .beta(a, b):
            return ClosedForms(labelMass: { ThesisFormulas.betaLabelMass(a: a, b: b, batchSize: $0, realCount: $1) },
                               batchDensity: { ThesisFormulas.betaBatchDensity(a: a, b: b, $0) },
                               tiltedBatchDensity: { ThesisFormulas.betaTiltedBatchDensity(a: a, b: b, $0) },
                               optimalDiscriminator: { ThesisFormulas.betaOptimalDiscriminator(a: a, b: b, $0) },
                               ratioScale: Fraction(a, a + b))
        case let .batchSmoothing(gamma):
            let mass = { (batchSize: Int, realCount: Int) in
                ThesisFormulas.smoothingLabelMass(gamma: gamma, batchSize: batchSize, realCount: realCount)
            }
            return ClosedForms(labelMass: mass,
                               batchDensity: { ThesisFormulas.generalBatchDensity(labelMass: mass, $0) },
                               tiltedBatchDensity: {
                                   ThesisFormulas.generalTiltedBatchDensity(labelMass: mass, priorMean: Fraction(1, 2), $0)
                               },
                               optimalDiscriminator: { ThesisFormulas.generalOptimalDiscriminator(labelMass: mass, $0) },
                               ratioScale: Fraction(1, 2))
        }
    }
}
