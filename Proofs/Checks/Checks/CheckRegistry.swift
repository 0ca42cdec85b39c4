/// Sizes of the sweeps; `standard` is what `ProofChecks` runs, `quick` what the unit tests run.
struct CheckConfiguration: Sendable {
    /// Proposition 1 (uniform prior).
    var uniformGrid: ScenarioGrid
    /// Beta and smoothing-γ priors.
    var secondaryGrid: ScenarioGrid
    /// M-BGAN per-output optimum (B output gradients per batch: the costliest sweep).
    var lossGrid: ScenarioGrid
    /// All ordered batches (m^B of them) for the symmetry check.
    var symmetryGrid: ScenarioGrid
    /// Monte-Carlo comparison with the sampler.
    var monteCarloGrid: ScenarioGrid
    var monteCarloSamples: Int
    /// Draws through `Adversarial.MixedBatch.draw` (tensor ops per draw: slower).
    var projectSamplerSamples: Int
    var betaParameters: [(a: Int, b: Int)]
    var smoothingGammas: [Fraction]
    /// Random instances per rank / per point set for the symmetric-function lemmas.
    var lemmaTrials: Int
    /// Adam steps of the training checks; `nil` leaves them out (they need a release build).
    var trainingSteps: Int?
    /// Quadrature sizes of chapter 5's checks.
    var chapter5 = AdaptiveDensityChecks()
    /// Chapter 3's checks (exact enumeration; the tabular model's training steps).
    var chapter3 = InformationPreferenceChecks()

    static let standard = CheckConfiguration(
        uniformGrid: .full, secondaryGrid: .reduced,
        lossGrid: ScenarioGrid(supportSizes: [2, 3], batchSizes: 1...8, pairsPerSupport: 1, seed: 2022),
        symmetryGrid: ScenarioGrid(supportSizes: [2, 3], batchSizes: 1...5, pairsPerSupport: 1, seed: 2020),
        monteCarloGrid: ScenarioGrid(supportSizes: [3], batchSizes: 4...4, pairsPerSupport: 1, seed: 2021),
        monteCarloSamples: 200_000,
        projectSamplerSamples: 50_000,
        betaParameters: [(2, 3), (3, 1), (2, 2)],
        smoothingGammas: [Fraction(3, 10), Fraction(1, 5)],
        lemmaTrials: 5,
        trainingSteps: 3000)

    static let quick = CheckConfiguration(
        uniformGrid: ScenarioGrid(supportSizes: [2, 3], batchSizes: 1...3, pairsPerSupport: 1, seed: 7),
        secondaryGrid: ScenarioGrid(supportSizes: [2], batchSizes: 1...3, pairsPerSupport: 1, seed: 8),
        lossGrid: ScenarioGrid(supportSizes: [2], batchSizes: 1...3, pairsPerSupport: 1, seed: 12),
        symmetryGrid: ScenarioGrid(supportSizes: [2], batchSizes: 1...3, pairsPerSupport: 1, seed: 9),
        monteCarloGrid: ScenarioGrid(supportSizes: [2], batchSizes: 2...2, pairsPerSupport: 1, seed: 10),
        monteCarloSamples: 20_000,
        projectSamplerSamples: 5_000,
        betaParameters: [(2, 3)],
        smoothingGammas: [Fraction(3, 10)],
        lemmaTrials: 1,
        trainingSteps: nil,
        chapter5: AdaptiveDensityChecks(intervals: 8_000, tradeOffStep: 0.25))
}

/// Every executable check of chapters 3, 4 and 5, in report order. New families append their
/// `ProofCheck`s here.
enum CheckRegistry {
    static func checks(_ configuration: CheckConfiguration = .standard) -> [ProofCheck] {
        proposition1(configuration) + betaPriors(configuration) + batchSmoothing(configuration)
            + lossPlacement(configuration) + sampling(configuration)
            + SymmetricFunctionChecks.registered(trials: configuration.lemmaTrials)
            + NetworkConstructionChecks.registered(trials: configuration.lemmaTrials)
            + (configuration.trainingSteps.map(TrainingChecks.registered(steps:)) ?? [])
            + (configuration.trainingSteps == nil ? [] : UniversalApproximationChecks.registered())
            + configuration.chapter3.registered()
            + configuration.chapter5.registered()
    }

    private static func proposition1(_ c: CheckConfiguration) -> [ProofCheck] {
        let forms = ClosedForms.thesis(for: .uniform)
        let grid = c.uniformGrid
        func procedures() throws -> [MixedBatchProcedure] { try grid.procedures(prior: .uniform) }
        return [
            ProofCheck(name: "prop1.label-prior",
                       statement: "P(β) = 1/((B+1)·C(B,#β)) = ∫ p^#β (1−p)^(B−#β) dp; P and Q = 2·P·#β/B sum to 1; E[#β] = B/2") {
                try DistributionChecks.labelPrior(prior: .uniform, batchSizes: grid.batchSizes,
                                                  labelMass: forms.labelMass, ratioScale: forms.ratioScale)
            },
            ProofCheck(name: "prop1.uniform-over-counts",
                       statement: "P(#β = k) = 1/(B+1): uniform over #β, not over β (A4.12)") {
                DistributionChecks.uniformOverCounts(batchSizes: grid.batchSizes, labelMass: forms.labelMass)
            },
            ProofCheck(name: "prop1.normalisation",
                       statement: "Σ_y p_balanced(y) = Σ_y p_unbalanced(y) = 1 over all m^B batches") {
                DistributionChecks.normalisation(try procedures(), densities: [("p_balanced", forms.batchDensity),
                                                                               ("p_unbalanced", forms.tiltedBatchDensity)])
            },
            ProofCheck(name: "prop1.balanced-is-sampling-distribution",
                       statement: "p_balanced(y) = P(y) of the procedure p* ~ U[0,1], β ~ Bern(p*)^B, rows from p1/p2") {
                DistributionChecks.batchDistribution(try procedures(), formula: forms.batchDensity)
            },
            ProofCheck(name: "prop1.optimal-discriminator",
                       statement: "D*(y) = ½·p_unbalanced(y)/p_balanced(y) equals the posterior mean E[#β/B | y]") {
                DistributionChecks.optimalDiscriminator(try procedures(), formula: forms.optimalDiscriminator)
            },
            ProofCheck(name: "prop1.loss-stationarity",
                       statement: "the expected cross-entropy (every β enumerated) has zero derivative at D*(y)") {
                LossChecks.stationarity(try procedures(), formula: forms.optimalDiscriminator)
            },
            ProofCheck(name: "prop1.gan-limit",
                       statement: "B = 1: D*(y) = p1(y)/(p1(y) + p2(y))") {
                DistributionChecks.ganLimit(try procedures(), formula: forms.optimalDiscriminator)
            },
            ProofCheck(name: "prop1.permutation-symmetry",
                       statement: "D*, p_balanced and P(y) take the same value on every ordering of a batch") {
                DistributionChecks.permutationSymmetry(try c.symmetryGrid.procedures(prior: .uniform), forms: forms)
            },
            ProofCheck(name: "prop1.generator-objective",
                       statement: "E_{y~P}[ln D*(y)] = −ln 2 − KL(p_balanced ‖ p_unbalanced) (Float64 logs)") {
                DistributionChecks.generatorObjective(try procedures(), forms: forms)
            },
            ProofCheck(name: "prop1.equal-distributions",
                       statement: "p1 = p2 ⇒ D* ≡ ½ and p_balanced = p_unbalanced exactly, KL = 0") {
                DistributionChecks.equalDistributions(try procedures(), forms: forms)
            },
        ]
    }

    private static func betaPriors(_ c: CheckConfiguration) -> [ProofCheck] {
        let grid = c.secondaryGrid
        /// Runs `body` for every Beta(a, b) of the configuration and merges the outcomes.
        func overPriors(_ body: (ProportionPrior, ClosedForms) throws -> CheckOutcome) rethrows -> CheckOutcome {
            var outcome = CheckOutcome()
            for (a, b) in c.betaParameters {
                let prior = ProportionPrior.beta(a: a, b: b)
                outcome.absorb(try body(prior, .thesis(for: prior)))
            }
            return outcome
        }
        let names = c.betaParameters.map { "Beta(\($0.a),\($0.b))" }.joined(separator: ", ")
        return [
            ProofCheck(name: "beta.label-prior",
                       statement: "P(β) = B(#β+a, B−#β+b)/B(a,b); P and Q = (a+b)/a·P·#β/B sum to 1; E[#β] = Ba/(a+b) [\(names)]") {
                try overPriors { prior, forms in
                    try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...8, labelMass: forms.labelMass,
                                                      ratioScale: forms.ratioScale)
                }
            },
            ProofCheck(name: "beta.normalisation",
                       statement: "Σ_y P(y) = Σ_y Q(y) = 1 [\(names)]") {
                try overPriors { prior, forms in
                    DistributionChecks.normalisation(try grid.procedures(prior: prior),
                                                     densities: [("P", forms.batchDensity), ("Q", forms.tiltedBatchDensity)])
                }
            },
            ProofCheck(name: "beta.batch-distribution",
                       statement: "P(y) = Σ_β P(y|β)·P(β) is the procedure's batch distribution [\(names)]") {
                try overPriors { prior, forms in
                    DistributionChecks.batchDistribution(try grid.procedures(prior: prior), formula: forms.batchDensity)
                }
            },
            ProofCheck(name: "beta.optimal-discriminator",
                       statement: "D*(y) = a/(a+b)·Q(y)/P(y) equals E[#β/B | y] [\(names)]") {
                try overPriors { prior, forms in
                    DistributionChecks.optimalDiscriminator(try grid.procedures(prior: prior), formula: forms.optimalDiscriminator)
                }
            },
            ProofCheck(name: "beta.generator-objective",
                       statement: "E_{y~P}[ln D*(y)] = ln(a/(a+b)) − KL(P ‖ Q) (Float64 logs) [\(names)]") {
                try overPriors { prior, forms in
                    DistributionChecks.generatorObjective(try grid.procedures(prior: prior), forms: forms)
                }
            },
            ProofCheck(name: "beta.equal-distributions",
                       statement: "p1 = p2 ⇒ D* ≡ a/(a+b), P = Q, KL = 0 [\(names)]") {
                try overPriors { prior, forms in
                    DistributionChecks.equalDistributions(try grid.procedures(prior: prior), forms: forms)
                }
            },
        ]
    }

    private static func batchSmoothing(_ c: CheckConfiguration) -> [ProofCheck] {
        let grid = c.secondaryGrid
        func overGammas(_ body: (ProportionPrior, ClosedForms) throws -> CheckOutcome) rethrows -> CheckOutcome {
            var outcome = CheckOutcome()
            for gamma in c.smoothingGammas {
                let prior = ProportionPrior.batchSmoothing(gamma: gamma)
                outcome.absorb(try body(prior, .thesis(for: prior)))
            }
            return outcome
        }
        let names = c.smoothingGammas.map { "γ=\($0)" }.joined(separator: ", ")
        let half = ProportionPrior.batchSmoothing(gamma: Fraction(1, 2)), pure = ProportionPrior.batchSmoothing(gamma: .zero)
        return [
            ProofCheck(name: "smoothing.label-prior",
                       statement: "w_k = B(k+1,B−k+1)/(2γ)·[I_γ(k+1,B−k+1) + I_γ(B−k+1,k+1)] = ∫ π_γ(p) p^k (1−p)^(B−k) dp; sums to 1 [\(names), γ=0, γ=1/2]") {
                var outcome = try overGammas { prior, forms in
                    try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...8, labelMass: forms.labelMass,
                                                      ratioScale: forms.ratioScale)
                }
                for prior in [pure, half] {
                    let forms = ClosedForms.thesis(for: prior)
                    outcome.absorb(try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...8, labelMass: forms.labelMass,
                                                                     ratioScale: forms.ratioScale))
                }
                return outcome
            },
            ProofCheck(name: "smoothing.half-is-uniform",
                       statement: "γ = 1/2: w_k = 1/((B+1)·C(B,k)), the weights of Proposition 1") {
                var outcome = CheckOutcome()
                let smoothing = ClosedForms.thesis(for: half), uniform = ClosedForms.thesis(for: .uniform)
                for b in 1...8 {
                    for k in 0...b { outcome.expectEqual(smoothing.labelMass(b, k), uniform.labelMass(b, k), "B=\(b), k=\(k)") }
                }
                return outcome
            },
            ProofCheck(name: "smoothing.optimal-discriminator",
                       statement: "D*(y) = Σ_β (#β/B)·w_#β·P(y|β) / Σ_β w_#β·P(y|β) equals E[#β/B | y] [\(names)]") {
                try overGammas { prior, forms in
                    DistributionChecks.optimalDiscriminator(try grid.procedures(prior: prior), formula: forms.optimalDiscriminator)
                }
            },
            ProofCheck(name: "smoothing.normalisation",
                       statement: "Σ_y P(y) = Σ_y Q(y) = 1 and P is the procedure's batch distribution [\(names)]") {
                try overGammas { prior, forms in
                    let procedures = try grid.procedures(prior: prior)
                    var outcome = DistributionChecks.normalisation(procedures, densities: [("P", forms.batchDensity),
                                                                                           ("Q", forms.tiltedBatchDensity)])
                    outcome.absorb(DistributionChecks.batchDistribution(procedures, formula: forms.batchDensity))
                    return outcome
                }
            },
            ProofCheck(name: "smoothing.pure-batches",
                       statement: "γ = 0 (pure batches): D*(y) = Π p1(y_i) / (Π p1(y_i) + Π p2(y_i))") {
                DistributionChecks.optimalDiscriminator(try grid.procedures(prior: pure),
                                                        formula: ThesisFormulas.pureBatchOptimalDiscriminator)
            },
        ]
    }

    private static func lossPlacement(_ c: CheckConfiguration) -> [ProofCheck] {
        [
            ProofCheck(name: "mbgan.per-sample-optimum",
                       statement: "M-BGAN: every per-row output is optimal exactly at D*(y); BGAN pins only their mean [U[0,1], γ=3/10]") {
                var outcome = LossChecks.perSampleOptimum(try c.lossGrid.procedures(prior: .uniform),
                                                          formula: ClosedForms.thesis(for: .uniform).optimalDiscriminator)
                let smoothing = ProportionPrior.batchSmoothing(gamma: Fraction(3, 10))
                outcome.absorb(LossChecks.perSampleOptimum(try c.lossGrid.procedures(prior: smoothing),
                                                           formula: ClosedForms.thesis(for: smoothing).optimalDiscriminator))
                return outcome
            },
        ]
    }

    private static func sampling(_ c: CheckConfiguration) -> [ProofCheck] {
        let priors: [ProportionPrior] = [.uniform, .batchSmoothing(gamma: Fraction(3, 10)), .beta(a: 2, b: 3)]
        let names = priors.map(\.description).joined(separator: ", ")
        func check(_ sampler: MonteCarloChecks.Sampler, samples: Int) throws -> CheckOutcome {
            var outcome = CheckOutcome()
            for (index, prior) in priors.enumerated() {
                outcome.absorb(try MonteCarloChecks.samplingDistribution(try c.monteCarloGrid.procedures(prior: prior),
                                                                         forms: .thesis(for: prior), samples: samples,
                                                                         seed: c.monteCarloGrid.seed &+ UInt64(index),
                                                                         sampler: sampler))
            }
            return outcome
        }
        let errors = Int(MonteCarloChecks.standardErrors)
        return [
            ProofCheck(name: "sampling.reference-sampler",
                       statement: "\(c.monteCarloSamples) batches per prior from the step-by-step Float64 sampler match P(y) and D*(y) within \(errors) standard errors [\(names)]") {
                try check(.reference, samples: c.monteCarloSamples)
            },
            ProofCheck(name: "sampling.project-sampler",
                       statement: "\(c.projectSamplerSamples) batches per prior from Adversarial.MixedBatch.draw (and its complement batch, for symmetric priors) match P(y) and D*(y) within \(errors) standard errors [\(names)]") {
                try check(.project, samples: c.projectSamplerSamples)
            },
        ]
    }
}
