import Testing
import TensorCore
@testable import NeuralNet

@Suite struct LayerMaxoutTests {
    /// Unit j is the maximum of the affine features j·k ..< (j+1)·k, computed here by hand.
    @Test func forwardIsTheMaximumOverEachUnitsPieces() throws {
        var random = RandomStream(seed: 3)
        let maxout = try Maxout(inputFeatures: 3, outputFeatures: 4, pieces: 5, random: &random)
        let x = random.normal([6, 3])
        let output = try maxout(x)
        #expect(output.shape == [6, 4])
        let w = maxout.linear.weight.scalars, b = maxout.linear.bias!.scalars, xs = x.scalars
        for row in 0..<6 {
            for unit in 0..<4 {
                let pieces = (0..<5).map { piece -> Float in
                    let feature = unit * 5 + piece
                    return b[feature] + (0..<3).reduce(Float(0)) { $0 + w[feature * 3 + $1] * xs[row * 3 + $1] }
                }
                #expect(Swift.abs(output.scalars[row * 4 + unit] - pieces.max()!) < 1e-5)
            }
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        var random = RandomStream(seed: 5)
        let maxout = try Maxout(inputFeatures: 3, outputFeatures: 2, pieces: 3, random: &random)
        try expectGradientsMatchFiniteDifferences(maxout, input: random.normal([4, 3]), h: 1e-3, tolerance: 2e-2)
    }

    /// The gradient of a unit reaches only its maximal piece's row of the weight.
    @Test func gradientReachesOnlyTheMaximalPiece() throws {
        var random = RandomStream(seed: 8)
        let maxout = try Maxout(inputFeatures: 2, outputFeatures: 1, pieces: 4, random: &random)
        let x = random.normal([1, 2])
        let features = try withoutGradient { try maxout.linear(x) }.scalars
        let winner = features.indices.max { features[$0] < features[$1] }!
        let weight = maxout.trainableParameters.first { $0.path == "linear.weight" }!.parameter.tensor
        let grads = try gradients(of: try maxout(x).sum(), wrt: [weight])
        for piece in 0..<4 {
            let row = Array(grads[0].scalars[(piece * 2)..<(piece * 2 + 2)])
            #expect(piece == winner ? row == x.scalars : row == [0, 0])
        }
    }

    @Test func perceptronWithHiddenUnitsHasTheRequestedLayers() throws {
        var random = RandomStream(seed: 1)
        let maxoutNet = try Sequential.perceptron(inputSize: 4, hiddenSizes: [200, 200, 200], outputSize: 1,
                                                  units: HiddenUnits(maxoutPieces: 5), random: &random)
        #expect(maxoutNet.layers.count == 4 && maxoutNet.layers.prefix(3).allSatisfy { $0 is Maxout })
        let normalized = try Sequential.perceptron(inputSize: 2, hiddenSizes: [8, 8], outputSize: 2,
                                                   units: HiddenUnits(activation: .leakyRelu, batchNorm: true), random: &random)
        #expect(normalized.layers.count == 7)
        #expect(normalized.layers[1] is BatchNorm && normalized.layers[2] is LeakyReLU)
        #expect(try normalized(random.normal([5, 2])).shape == [5, 2])
        // With the default units the perceptron is the classic one, draw for draw.
        var a = RandomStream(seed: 9), b = RandomStream(seed: 9)
        let classic = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 1, random: &a)
        let configured = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 1, units: HiddenUnits(), random: &b)
        let x = random.normal([3, 2])
        #expect(try classic(x).scalars == configured(x).scalars)
    }

    /// Spectrally normalised units wrap every affine map, the output layer's too, and refuse
    /// maxout and batch norm.
    @Test func spectrallyNormalizedUnitsWrapEveryAffineMap() throws {
        var random = RandomStream(seed: 2)
        let critic = try Sequential.perceptron(inputSize: 2, hiddenSizes: [8, 8], outputSize: 1,
                                               units: HiddenUnits(spectralNorm: true), random: &random)
        #expect(critic.layers.count == 5)
        #expect([0, 2, 4].allSatisfy { critic.layers[$0] is SpectralNorm<Linear> } && critic.layers[1] is ReLU)
        #expect(throws: TensorError.self) {
            try Sequential.perceptron(inputSize: 2, hiddenSizes: [8], outputSize: 1,
                                      units: HiddenUnits(maxoutPieces: 3, spectralNorm: true), random: &random)
        }
        #expect(throws: TensorError.self) {
            try Sequential.perceptron(inputSize: 2, hiddenSizes: [8], outputSize: 1,
                                      units: HiddenUnits(batchNorm: true, spectralNorm: true), random: &random)
        }
    }

    @Test func invalidPiecesAreRefused() throws {
        var random = RandomStream(seed: 1)
        #expect(throws: TensorError.self) { try Maxout(inputFeatures: 2, outputFeatures: 2, pieces: 0, random: &random) }
    }
}
