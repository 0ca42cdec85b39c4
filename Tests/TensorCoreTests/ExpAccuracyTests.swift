import Foundation
import Testing
import TensorCore

/// The vectorised exp kernel against Float64 `exp`, over the whole Float range.
@Suite struct ExpAccuracyTests {
    @Test func withinFourUlpsEverywhere() throws {
        var random = RandomStream(seed: 77)
        let inputs = random.uniform([200_000], low: -104, high: 89).scalars
            + random.uniform([50_000], low: -1, high: 1).scalars
            + [0, -0.0, 1, -1, 1e-8, -1e-8, 88.72, -87.33, -90, -100, -103.9]
        let outputs = exp(Tensor(inputs)).scalars
        var worst = 0.0
        for (x, y) in zip(inputs, outputs) {
            let reference = Foundation.exp(Double(x))
            // Subnormal results carry fewer bits: measure against the smallest normal ulp there.
            let ulp = Double(max(Float(reference), Float.leastNormalMagnitude).ulp)
            worst = max(worst, abs(Double(y) - reference) / ulp)
        }
        #expect(worst <= 4, "worst error \(worst) ulp")
    }

    @Test func specialValues() {
        let y = exp(Tensor([89, .infinity, -104, -.infinity, .nan, 0])).scalars
        #expect(y[0] == .infinity && y[1] == .infinity)
        #expect(y[2] == 0 && y[3] == 0)
        #expect(y[4].isNaN)
        #expect(y[5] == 1)
    }
}
