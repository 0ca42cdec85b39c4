import Foundation
@testable import ProofChecks
import Testing

/// Chapter 5's checks fail on the wrong formulas they guard against.
@Suite struct Chapter5FormulaTests {
    let checks = AdaptiveDensityChecks(intervals: 8_000, tradeOffStep: 0.25)

    @Test("Eq. 5.2 as printed (without −ln 2) fails the Goodfellow identity by ln 2")
    func goodfellowWithoutConstant() {
        #expect(checks.goodfellow().passed)
        let broken = checks.goodfellow(constant: 0)
        #expect(!broken.passed)
        #expect(abs(broken.largestError - log(2)) < 1e-6)
    }

    @Test("a coverage loss that forgets the log-determinant of f_ψ is not a bound on the image-space NLL")
    func coverageWithoutLogDeterminant() {
        #expect(checks.coverageBound().passed)
        #expect(!checks.coverageBound(coverage: { toy, x in -toy.elbo(toy.feature(x)) }).passed)
    }

    @Test("every toy's change of variables and cross-entropy split hold; a feature map with f' < 0 somewhere is caught")
    func toysAreValid() {
        #expect(checks.changeOfVariables().passed && checks.crossEntropy().passed)
        var folded = AdaptiveDensityChecks.toys[0]
        (folded.a, folded.c) = (0.5, -1.5)   // f'(0) = a + c < 0: not a bijection, its "density" is not one
        #expect(!checks.changeOfVariables([folded]).passed)
    }
}
