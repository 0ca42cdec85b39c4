import Distributions
import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite struct DiscretizedLogisticTests {
    /// ln P over every bin of a b-level grid, for one (μ, ln s): the masses sum to one.
    static func binMasses(levels: Int, mean: Float, logScale: Float) throws -> [Double] {
        let logistic = try DiscretizedLogistic(levels: levels)
        let width = 256 / levels
        let values = try Tensor(shape: [levels], scalars: (0..<levels).map { Float($0 * width) })
        let logP = try logistic.logProbability(of: values, mean: Tensor(mean), logScale: Tensor(logScale))
        return logP.scalars.map { Foundation.exp(Double($0)) }
    }

    @Test(arguments: [2, 4, 8, 16, 32, 64, 128, 256])  // every b a run may set (auxiliary_levels)
    func theBinsSumToOne(levels: Int) throws {
        for (mean, logScale) in [(Float(127.5), Float(2)), (3, 0.5), (250, -1), (-40, 3), (300, 1), (128, 8), (100, -20)] {
            let total = try Self.binMasses(levels: levels, mean: mean, logScale: logScale).reduce(0, +)
            #expect(abs(total - 1) < 2e-4, "levels \(levels), μ \(mean), ln s \(logScale): Σ P = \(total)")
        }
    }

    /// Every value of a bin has that bin's probability (b < 256 bins several values).
    @Test func valuesInOneBinShareItsMass() throws {
        let logistic = try DiscretizedLogistic(levels: 32)
        let values = try Tensor(shape: [3], scalars: [64, 67, 71])
        let logP = try logistic.logProbability(of: values, mean: Tensor(80), logScale: Tensor(1)).scalars
        #expect(logP[0] == logP[1] && logP[1] == logP[2])
    }

    /// Finite values and gradients at the edge bins, far from the mean and with tiny scales.
    @Test func edgesAndExtremesStayFinite() throws {
        let logistic = try DiscretizedLogistic(levels: 256)
        let values = try Tensor(shape: [6], scalars: [0, 255, 0, 255, 128, 128])
        let mean = try Tensor(shape: [6], scalars: [255, 0, -1e4, 1e4, 128.5, 0]).requiringGradient()
        let logScale = try Tensor(shape: [6], scalars: [-30, -30, 10, 10, -30, -30]).requiringGradient()
        let logP = try logistic.logProbability(of: values, mean: mean, logScale: logScale)
        #expect(logP.scalars.allSatisfy { $0.isFinite })
        let grads = try gradients(of: logP.sum(), wrt: [mean, logScale])
        #expect(grads.allSatisfy { $0.scalars.allSatisfy { $0.isFinite } })
        // A logistic centred in its bin with a scale below the bound keeps the bounded scale:
        // mass σ(0.5/s) − σ(−0.5/s) with s = exp(minimumLogScale) ≈ 0.116 pixels.
        let s = Foundation.exp(Double(DiscretizedLogistic.minimumLogScale))
        let bounded = 1 / (1 + Foundation.exp(-0.5 / s)) - 1 / (1 + Foundation.exp(0.5 / s))
        #expect(abs(Double(logP.scalars[4]) - Foundation.log(bounded)) < 1e-4)
    }

    @Test func invalidLevelsAreRejected() {
        #expect(throws: TensorError.self) { try DiscretizedLogistic(levels: 3) }
        #expect(throws: TensorError.self) { try DiscretizedLogistic(levels: 1) }
    }
}

@Suite struct DiscretizedLogisticMixtureTests {
    /// Random parameters for one RGB pixel, K components.
    static func parameters(_ mixture: DiscretizedLogisticMixture, seed: UInt64) -> Tensor {
        var random = RandomStream(seed: seed)
        let k = mixture.components, count = mixture.parameterCount
        return Tensor(shape: [1, count, 1, 1]) { out, _ in
            for i in 0..<count {
                let block = i < k ? 0 : i < k + 3 * k ? 1 : i < k + 6 * k ? 2 : 3
                out[i] = [random.normal([1]).scalars[0], 40 + 160 * random.unitUniform(),
                          1 + 2 * random.unitUniform(), random.normal([1]).scalars[0]][block]
            }
        }
    }

    /// Over all 8³ colours of an 8-level RGB pixel the probabilities sum to one: the channels
    /// are autoregressive, so the sum is exact only if every conditional is normalised.
    @Test func theRGBMixtureSumsToOneOverEveryColour() throws {
        let mixture = try DiscretizedLogisticMixture(components: 3, channels: 3, levels: 8)
        let parameters = Self.parameters(mixture, seed: 4)
        var colours: [Float] = []
        for r in 0..<8 { for g in 0..<8 { for b in 0..<8 { colours += [Float(r * 32), Float(g * 32), Float(b * 32)] } } }
        let images = try Tensor(shape: [512, 3, 1, 1], scalars: colours)
        let batch = try parameters.broadcast(to: [512, mixture.parameterCount, 1, 1])
        let total = try mixture.logLikelihood(of: images, parameters: batch).scalars.reduce(0.0) { $0 + Foundation.exp(Double($1)) }
        #expect(abs(total - 1) < 1e-3)
    }

    @Test func theGrayscaleMixtureSumsToOneOver256Values() throws {
        let mixture = try DiscretizedLogisticMixture(components: 5, channels: 1)
        var random = RandomStream(seed: 5)
        let parameters = try Tensor(shape: [1, 15, 1, 1], scalars: random.normal([5]).scalars
                                    + (0..<5).map { _ in 255 * random.unitUniform() } + (0..<5).map { _ in 3 * random.unitUniform() - 1 })
        let images = try Tensor(shape: [256, 1, 1, 1], scalars: (0..<256).map(Float.init))
        let logP = try mixture.logLikelihood(of: images, parameters: parameters.broadcast(to: [256, 15, 1, 1]))
        #expect(abs(logP.scalars.reduce(0.0) { $0 + Foundation.exp(Double($1)) } - 1) < 1e-3)
    }

    /// Samples follow the likelihood: drawn from a one-component, one-channel mixture whose
    /// mass sits in two bins, their frequencies match the bins' probabilities.
    @Test func samplesFollowTheLikelihood() throws {
        let mixture = try DiscretizedLogisticMixture(components: 1, channels: 1)
        let parameters = try Tensor(shape: [1, 3, 1, 1], scalars: [0, 100, -1.5])
        var random = RandomStream(seed: 6)
        var counts = [Int](repeating: 0, count: 256)
        for _ in 0..<4_000 { counts[Int(try mixture.sample(parameters: parameters, random: &random).scalars[0])] += 1 }
        let probabilities = try mixture.logLikelihood(
            of: Tensor(shape: [256, 1, 1, 1], scalars: (0..<256).map(Float.init)),
            parameters: parameters.broadcast(to: [256, 3, 1, 1])).scalars.map { Foundation.exp(Double($0)) }
        for value in [99, 100] {
            #expect(abs(Double(counts[value]) / 4_000 - probabilities[value]) < 0.03, "value \(value)")
        }
    }

    @Test func wrongShapesAreNamed() throws {
        let mixture = try DiscretizedLogisticMixture(components: 2, channels: 3)
        #expect(throws: TensorError.self) {
            try mixture.logLikelihood(of: Tensor.zeros([1, 3, 2, 2]), parameters: Tensor.zeros([1, 19, 2, 2]))
        }
    }
}
