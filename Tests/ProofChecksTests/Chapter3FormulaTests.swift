import Foundation
@testable import ProofChecks
import Testing

/// Chapter 3's checks pass, and fail on the mistakes they guard against.
@Suite struct Chapter3FormulaTests {
    let checks = InformationPreferenceChecks()

    @Test("the ELBO identity and the information-preference gap hold on every enumerated model")
    func informationPreference() {
        #expect(checks.informationPreference().passed)
    }

    @Test("an 'ELBO' that forgets the entropy of q (E_q ln p(x, z) alone) breaks the identity")
    func elboWithoutEntropyTermFails() {
        let broken = checks.informationPreference { model, x in
            (0..<2).reduce(0) { $0 + model.q($1, given: x) * log(model.joint(x, $1)) }
        }
        #expect(!broken.passed)
    }

    @Test("H(X|Z) ≤ H(X), cross-entropies stay above H(X|Z), and the tabular model converges to it")
    func agaveBound() {
        #expect(checks.agaveBound().passed)
        #expect(!InformationPreferenceChecks(trainingSteps: 3).agaveBound().passed)
    }
}
