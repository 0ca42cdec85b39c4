import Foundation
import Testing
import TensorCore

/// The vectorised tanh kernel against Float64 `tanh`: a few ulp everywhere, exact ±1 and
/// NaN where they belong, odd symmetry.
@Suite struct TanhAccuracyTests {
    @Test func withinAFewUlpsEverywhere() throws {
        var random = RandomStream(seed: 78)
        let inputs = random.uniform([100_000], low: -12, high: 12).scalars
            + random.uniform([100_000], low: -0.5, high: 0.5).scalars
            + [0, 1e-30, -1e-30, 1e-8, 0.29999, 0.3, 0.30001, 9.09, 9.1, 20, Float.leastNormalMagnitude]
        let outputs = tanh(Tensor(inputs)).scalars
        var worst = 0.0
        for (x, y) in zip(inputs, outputs) {
            let reference = Foundation.tanh(Double(x))
            let ulp = Double(max(abs(Float(reference)), Float.leastNormalMagnitude).ulp)
            worst = max(worst, abs(Double(y) - reference) / ulp)
        }
        #expect(worst <= 8, "worst error \(worst) ulp")
        #expect(zip(inputs, outputs).allSatisfy { x, y in tanh(Tensor([-x])).scalars[0] == -y })
    }

    @Test func specialValues() {
        let y = tanh(Tensor([.infinity, -.infinity, .nan, 0, -0.0, 50])).scalars
        #expect(y[0] == 1 && y[1] == -1 && y[2].isNaN && y[3] == 0 && y[4] == 0 && y[5] == 1)
    }
}
