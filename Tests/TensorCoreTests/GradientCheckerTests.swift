import Testing
@testable import TensorCore

/// The checker itself must fail on wrong backward rules, or every gradient test that
/// relies on it could pass vacuously.
@Suite struct GradientCheckerTests {
    /// `exp` whose backward rule is scaled by `factor` and optionally cut from the
    /// second-order graph (using the detached output).
    private func exponential(_ x: Tensor, gradientFactor factor: Float, detachRule: Bool) -> Tensor {
        x.map { Foundation.exp($0) }.recording("testExp", inputs: [x]) { g, y in
            [try g * ((detachRule ? y.detached : y) * factor)]
        }
    }

    @Test func acceptsACorrectRule() throws {
        var data = TestData(seed: 1)
        let x = data.uniform([3, 4])
        let report = try GradientChecker().firstOrder(at: [x]) { exponential($0[0], gradientFactor: 1, detachRule: false) }
        #expect(report.passed, "\(report)")
        let second = try GradientChecker().secondOrder(at: [x]) { exponential($0[0], gradientFactor: 1, detachRule: false) }
        #expect(second.passed, "\(second)")
    }

    @Test func rejectsAFirstOrderRuleThatIsTwoPercentOff() throws {
        var data = TestData(seed: 2)
        let x = data.uniform([3, 4])
        let report = try GradientChecker().firstOrder(at: [x]) { exponential($0[0], gradientFactor: 1.02, detachRule: false) }
        #expect(!report.passed)
    }

    @Test func rejectsARuleThatIsCutFromTheSecondOrderGraph() throws {
        var data = TestData(seed: 3)
        let x = data.uniform([3, 4])
        let first = try GradientChecker().firstOrder(at: [x]) { exponential($0[0], gradientFactor: 1, detachRule: true) }
        #expect(first.passed, "\(first)")
        let second = try GradientChecker().secondOrder(at: [x]) { exponential($0[0], gradientFactor: 1, detachRule: true) }
        #expect(!second.passed)
    }

    @Test func rejectsAGradientOfTheWrongShape() throws {
        let x = Tensor([1, 2, 3])
        let report = try GradientChecker().firstOrder(at: [x]) { inputs in
            inputs[0].map { $0 }.recording("badShape", inputs: [inputs[0]]) { g, _ in [try g.reshaped([1, 3])] }
        }
        #expect(!report.passed)
        #expect(report.problems.count == 1)
    }
}

import Foundation
