import Testing
import TensorCore
@testable import NeuralNet

@Suite struct LayerDropoutTests {
    @Test func zeroesAboutPAndKeepsTheExpectation() throws {
        var random = RandomStream(seed: 30)
        let layer = try Dropout(probability: 0.3, random: &random)
        let n = 100_000
        let y = try layer(Tensor.ones([n])).scalars
        let zeros = y.filter { $0 == 0 }.count
        // Binomial(n, 0.3): standard deviation of the fraction ≈ 0.0014.
        #expect(Swift.abs(Double(zeros) / Double(n) - 0.3) < 0.01)
        // Kept values are scaled by exactly 1/(1 − p).
        #expect(y.allSatisfy { $0 == 0 || $0 == 1 / Float(0.7) })
        let mean = y.reduce(0, +) / Float(n)
        #expect(Swift.abs(mean - 1) < 0.02)
    }

    @Test func identityInEvaluationModeAndForZeroProbability() throws {
        var random = RandomStream(seed: 31)
        let x = random.normal([4, 5])
        let layer = try Dropout(probability: 0.5, random: &random)
        layer.eval()
        #expect(try layer(x).scalars == x.scalars)
        let before = layer.random
        _ = try layer(x)
        #expect(layer.random == before, "evaluation mode must not consume random numbers")
        #expect(try Dropout(probability: 0, random: &random)(x).scalars == x.scalars)
        #expect(try Dropout(probability: 1, random: &random)(x).scalars.allSatisfy { $0 == 0 })
        #expect(throws: TensorError.self) { try Dropout(probability: 1.5, random: &random) }
    }

    @Test func masksComeFromTheModuleRandomState() throws {
        var random = RandomStream(seed: 32)
        let layer = try Dropout(probability: 0.5, random: &random)
        let x = Tensor.ones([64])
        let saved = layer.random
        let first = try layer(x).scalars
        let second = try layer(x).scalars
        #expect(first != second, "consecutive calls draw new masks")
        layer.random = saved
        #expect(try layer(x).scalars == first, "restoring the state replays the masks")
        #expect(layer.namedRandomStates.map(\.path) == ["random"])
        // Two layers forked from one stream draw different masks.
        let other = try Dropout(probability: 0.5, random: &random)
        #expect(other.random != layer.random)
    }

    @Test func gradientIsTheScaledMask() throws {
        var random = RandomStream(seed: 33)
        let layer = try Dropout(probability: 0.25, random: &random)
        let x = random.normal([50])
        let leaf = x.requiringGradient()
        let y = try layer(leaf)
        let g = try gradients(of: y.sum(), wrt: [leaf])[0].scalars
        let ys = y.scalars, xs = x.scalars
        for i in 0..<50 {
            let kept = ys[i] != 0
            #expect(g[i] == (kept ? 1 / Float(0.75) : 0))
            if kept { #expect(Swift.abs(ys[i] - xs[i] / 0.75) < 1e-6) }
        }
    }
}
