import Testing
import Adversarial
@testable import ProofChecks

/// Each check must fail when handed a deliberately wrong formula (and pass with the thesis' one),
/// so that a passing `ProofChecks` run means something.
@Suite("Checks reject wrong formulas")
struct BrokenFormulaTests {
    private static let grid = ScenarioGrid(supportSizes: [2, 3], batchSizes: 1...3, pairsPerSupport: 1, seed: 11)
    private static let uniform = ClosedForms.thesis(for: .uniform)

    private static func procedures(_ prior: ProportionPrior = .uniform) throws -> [MixedBatchProcedure] {
        try grid.procedures(prior: prior)
    }

    /// p_balanced as printed but without the binomial coefficient.
    private static func balancedWithoutBinomial(_ sums: LabelSums) -> Fraction {
        sums.weighted { _ in .one } / Fraction(sums.batchSize + 1)
    }

    @Test("D* without the ½ fails the posterior-mean check")
    func discriminatorWithoutHalf() throws {
        let procedures = try Self.procedures()
        #expect(DistributionChecks.optimalDiscriminator(procedures, formula: Self.uniform.optimalDiscriminator).passed)
        let outcome = DistributionChecks.optimalDiscriminator(procedures) {
            ThesisFormulas.unbalancedDensity($0) / ThesisFormulas.balancedDensity($0)
        }
        #expect(!outcome.passed)
        #expect(outcome.largestError > 0.1)
        #expect(outcome.firstFailure != nil)
    }

    @Test("D* without the ½ also fails the loss-stationarity, M-BGAN and B = 1 checks")
    func discriminatorWithoutHalfElsewhere() throws {
        let procedures = try Self.procedures()
        let doubled = { (sums: LabelSums) in Fraction(2) * Self.uniform.optimalDiscriminator(sums) }
        #expect(LossChecks.stationarity(procedures, formula: Self.uniform.optimalDiscriminator).passed)
        #expect(!LossChecks.stationarity(procedures, formula: doubled).passed)
        #expect(LossChecks.perSampleOptimum(procedures, formula: Self.uniform.optimalDiscriminator).passed)
        #expect(!LossChecks.perSampleOptimum(procedures) { Self.uniform.optimalDiscriminator($0) * Fraction(99, 100) }.passed)
        #expect(DistributionChecks.ganLimit(procedures, formula: Self.uniform.optimalDiscriminator).passed)
        #expect(!DistributionChecks.ganLimit(procedures, formula: doubled).passed)
    }

    @Test("p_balanced without the binomial coefficient is not the sampling distribution and not normalised")
    func balancedWithoutBinomial() throws {
        let procedures = try Self.procedures()
        #expect(DistributionChecks.batchDistribution(procedures, formula: Self.uniform.batchDensity).passed)
        #expect(!DistributionChecks.batchDistribution(procedures, formula: Self.balancedWithoutBinomial).passed)
        let normalisation = DistributionChecks.normalisation(procedures, densities: [("broken", Self.balancedWithoutBinomial)])
        #expect(!normalisation.passed)
    }

    @Test("p_unbalanced with 1/(B+1) instead of 2/(B+1) is not normalised")
    func unbalancedWithoutTwo() throws {
        let procedures = try Self.procedures()
        let halved = { (sums: LabelSums) in ThesisFormulas.unbalancedDensity(sums) / Fraction(2) }
        #expect(DistributionChecks.normalisation(procedures, densities: [("p_unbalanced", Self.uniform.tiltedBatchDensity)]).passed)
        #expect(!DistributionChecks.normalisation(procedures, densities: [("broken", halved)]).passed)
    }

    @Test("Beta label mass with a and b swapped, or without B(a, b), fails")
    func betaLabelMass() throws {
        let prior = ProportionPrior.beta(a: 2, b: 3)
        let forms = ClosedForms.thesis(for: prior)
        #expect(try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...4, labelMass: forms.labelMass, ratioScale: forms.ratioScale).passed)
        let swapped = try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...4, labelMass: {
            ThesisFormulas.betaLabelMass(a: 3, b: 2, batchSize: $0, realCount: $1)
        }, ratioScale: forms.ratioScale)
        #expect(!swapped.passed)
        let unnormalised = try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...4, labelMass: {
            Combinatorics.betaFunction($1 + 2, $0 - $1 + 3)
        }, ratioScale: forms.ratioScale)
        #expect(!unnormalised.passed)
    }

    @Test("Beta D* with ½ in place of a/(a+b) fails")
    func betaScale() throws {
        let prior = ProportionPrior.beta(a: 2, b: 3)
        let procedures = try Self.procedures(prior)
        let forms = ClosedForms.thesis(for: prior)
        #expect(DistributionChecks.optimalDiscriminator(procedures, formula: forms.optimalDiscriminator).passed)
        let outcome = DistributionChecks.optimalDiscriminator(procedures) {
            Fraction(1, 2) * forms.tiltedBatchDensity($0) / forms.batchDensity($0)
        }
        #expect(!outcome.passed)
    }

    @Test("smoothing-γ weights with one incomplete-Beta term dropped fail")
    func smoothingWeights() throws {
        let gamma = Fraction(3, 10)
        let prior = ProportionPrior.batchSmoothing(gamma: gamma)
        let forms = ClosedForms.thesis(for: prior)
        #expect(try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...4, labelMass: forms.labelMass, ratioScale: forms.ratioScale).passed)
        let broken = { (b: Int, k: Int) -> Fraction in
            Combinatorics.betaFunction(k + 1, b - k + 1) / (Fraction(2) * gamma)
                * ThesisFormulas.regularisedIncompleteBeta(x: gamma, a: k + 1, b: b - k + 1)
        }
        #expect(!(try DistributionChecks.labelPrior(prior: prior, batchSizes: 1...4, labelMass: broken, ratioScale: forms.ratioScale).passed))
    }

    @Test("the generator objective without −ln 2 fails")
    func generatorObjectiveConstant() throws {
        let procedures = try Self.procedures()
        #expect(DistributionChecks.generatorObjective(procedures, forms: Self.uniform).passed)
        var broken = Self.uniform
        broken.ratioScale = .one
        let outcome = DistributionChecks.generatorObjective(procedures, forms: broken)
        #expect(!outcome.passed)
        #expect(abs(outcome.largestError - 0.6931471805599453) < 1e-9)
    }

    @Test("the Monte-Carlo check sees a missing binomial coefficient")
    func monteCarlo() throws {
        let grid = ScenarioGrid(supportSizes: [2], batchSizes: 3...3, pairsPerSupport: 1, seed: 12)
        let procedures = try grid.procedures(prior: .uniform)
        #expect(try MonteCarloChecks.samplingDistribution(procedures, forms: Self.uniform, samples: 20_000, seed: 1).passed)
        var broken = Self.uniform
        broken.batchDensity = Self.balancedWithoutBinomial
        #expect(!(try MonteCarloChecks.samplingDistribution(procedures, forms: broken, samples: 20_000, seed: 1).passed))
    }

    @Test("Lemma 9 checks reject a wrong factor, a dropped collision term, a wrong Newton sign and a missing p3")
    func lemma9() {
        #expect(SymmetricFunctionChecks.symmetrisedMonomials(trials: 1, seed: 1).passed)
        #expect(!SymmetricFunctionChecks.symmetrisedMonomials(trials: 1, seed: 1) { r, n in
            Fraction(Combinatorics.factorial(n - r + 1))
        }.passed)
        #expect(!SymmetricFunctionChecks.rankRecursion(trials: 1, seed: 1) { functions, next, batch in
            SymmetricFunctionChecks.injectionSum(functions + [next], at: batch)
        }.passed)
        #expect(!SymmetricFunctionChecks.newtonIdentities(trials: 1, seed: 1) { p in
            var e = [Fraction.one]
            for k in 1..<p.count { e.append((1...k).map { e[k - $0] * p[$0] }.sum() / Fraction(k)) }
            return e
        }.passed)
        let withoutP3 = Array(SymmetricFunctionChecks.powerSumProducts(variableCount: 4).enumerated()
            .filter { $0.offset != 3 }.map(\.element))
        #expect(!SymmetricFunctionChecks.powerSumSpan(trials: 1, seed: 1, generators: withoutP3).passed)
    }

    @Test("Lemma 10 rejects symmetrisation without the 1/n! average")
    func lemma10() {
        #expect(SymmetricFunctionChecks.symmetrisationContracts(trials: 1, seed: 2).passed)
        #expect(!SymmetricFunctionChecks.symmetrisationContracts(trials: 1, seed: 2, symmetrise: SymmetricFunctionChecks.symmetrised).passed)
    }

    @Test("Lemma 5's written composition and Lemma 3 without the batch-mean kernels fail")
    func networkConstructions() {
        typealias N = NetworkConstructionChecks
        #expect(N.sumConstruction(trials: 1, seed: 3).passed)
        let literal = N.sumConstruction(trials: 1, seed: 3) { f1, f2 in
            let l = f1[0].count
            let layer = N.Layer(gamma: N.summingKernel(channels: l, offset: l),
                                lambda: Array(repeating: Array(repeating: .zero, count: 2 * l), count: l),
                                bias: Array(repeating: .zero, count: l))
            return layer(N.concatenateChannels(f1, f2))
        }
        #expect(!literal.passed)
        #expect(N.concatenation(trials: 1, seed: 4).passed)
        let withoutLambda = N.concatenation(trials: 1, seed: 4) { f1, f2 in
            N.concatenateNetworks(f1, f2).map { N.Layer(gamma: $0.gamma, lambda: $0.lambda.map { $0.map { _ in .zero } }, bias: $0.bias) }
        }
        #expect(!withoutLambda.passed)
    }

    @Test("the training check fails for an untrained discriminator (0 Adam steps)")
    func untrainedDiscriminator() throws {
        let outcome = try TrainingChecks.trainedDiscriminator(TrainingChecks.standard(placement: .bgan(.averageLogits), steps: 0))
        #expect(!outcome.passed)
        #expect(outcome.comparisons > 5)
    }
}
