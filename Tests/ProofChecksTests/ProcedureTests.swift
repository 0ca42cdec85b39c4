import Testing
@testable import ProofChecks

@Suite("Mixed-batch procedure and closed forms, hand-derived values")
struct ProcedureTests {
    private let real = try! FiniteDistribution([Fraction(1, 2), Fraction(1, 2)])
    private let generated = try! FiniteDistribution([Fraction(1, 4), Fraction(3, 4)])

    @Test("B = 2, y = (0, 0): D* = 5/7 and P(y) = 7/48 (hand integration)")
    func twoRowBatch() throws {
        // P(y) = ∫ (p/2 + (1−p)/4)² dp = 7/48;  E[#β/B · 1{y}] = ∫ (p/2)(p/2 + (1−p)/4) dp = 5/48.
        let procedure = try MixedBatchProcedure(real: real, generated: generated, prior: .uniform, batchSize: 2)
        #expect(procedure.batchProbability([0, 0]) == Fraction(7, 48))
        #expect(procedure.posteriorRealFraction([0, 0]) == Fraction(5, 7))
        let sums = procedure.labelSums([0, 0])
        #expect(sums.byRealCount == [Fraction(1, 16), Fraction(1, 4), Fraction(1, 4)])
        #expect(ThesisFormulas.balancedDensity(sums) == Fraction(7, 48))
        #expect(ThesisFormulas.uniformOptimalDiscriminator(sums) == Fraction(5, 7))
    }

    @Test("uniform prior: P(β) = 1/3, 1/6, 1/3 for B = 2")
    func uniformLabelMasses() throws {
        let procedure = try MixedBatchProcedure(real: real, generated: generated, prior: .uniform, batchSize: 2)
        #expect(procedure.labelMasses == [Fraction(1, 3), Fraction(1, 6), Fraction(1, 3)])
    }

    @Test("smoothing-γ prior: γ = 0 gives pure batches, w = (1/2, 0, 1/2)")
    func pureBatchMasses() throws {
        let procedure = try MixedBatchProcedure(real: real, generated: generated, prior: .batchSmoothing(gamma: .zero), batchSize: 2)
        #expect(procedure.labelMasses == [Fraction(1, 2), .zero, Fraction(1, 2)])
        // D*((0,0)) = (1/4) / (1/4 + 1/16) = 4/5.
        #expect(procedure.posteriorRealFraction([0, 0]) == Fraction(4, 5))
    }

    @Test("invalid input throws with a message naming the fix")
    func invalidInput() {
        #expect(throws: ProofCheckError.self) { try FiniteDistribution([Fraction(1, 2), Fraction(1, 3)]) }
        #expect(throws: ProofCheckError.self) { try FiniteDistribution([Fraction(3, 2), Fraction(-1, 2)]) }
        #expect(throws: ProofCheckError.self) { try ProportionPrior.beta(a: 0, b: 2).density() }
        #expect(throws: ProofCheckError.self) { try ProportionPrior.batchSmoothing(gamma: Fraction(3, 5)).density() }
        let three = try! FiniteDistribution([Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)])
        #expect(throws: ProofCheckError.self) {
            try MixedBatchProcedure(real: real, generated: three, prior: .uniform, batchSize: 2)
        }
        #expect(throws: ProofCheckError.self) {
            try MixedBatchProcedure(real: real, generated: generated, prior: .uniform, batchSize: 0)
        }
    }
}
