import Adversarial
import Foundation
import Training
import NeuralNet
import TensorCore
import Testing

/// Central finite differences of `f` at `x` against `analytic`; the worst relative error.
func finiteDifferenceError(at x: Tensor, analytic: Tensor, epsilon: Float = 1e-2,
                           _ f: (Tensor) throws -> Tensor) throws -> Float {
    var worst: Float = 0
    for i in 0..<x.count {
        var plus = x.scalars, minus = x.scalars
        plus[i] += epsilon
        minus[i] -= epsilon
        let numeric = (try f(Tensor(shape: x.shape, scalars: plus)).scalar
            - f(Tensor(shape: x.shape, scalars: minus)).scalar) / (2 * epsilon)
        worst = max(worst, abs(numeric - analytic.scalars[i]) / max(1, abs(numeric)))
    }
    return worst
}

func permuted(_ x: Tensor, _ order: [Int]) throws -> Tensor { try x.indexSelect(order, axis: 0) }

@Suite struct BatchAwareLayerTests {
    /// B = 3, one feature, K = 1 kernel of dimension 1 with T = 2: M = 2x, and each sample
    /// gets Σ_{j≠i} exp(−|M_i − M_j|).
    @Test func minibatchDiscriminationByHand() throws {
        var random = RandomStream(seed: 0)
        let layer = try MinibatchDiscrimination(inputFeatures: 1, kernels: 1, kernelDimension: 1, random: &random)
        layer.projection = try Tensor(shape: [1, 1], scalars: [2])
        let x = try Tensor(shape: [3, 1], scalars: [0, 0.5, 2])
        let y = try layer(x)
        #expect(y.shape == [3, 2])
        let m: [Double] = [0, 1, 4]
        for i in 0..<3 {
            let expected = (0..<3).filter { $0 != i }.map { exp(-abs(m[i] - m[$0])) }.reduce(0, +)
            #expect(abs(Double(y.scalars[2 * i + 1]) - expected) < 1e-6)
            #expect(y.scalars[2 * i] == x.scalars[i])
        }
    }

    @Test func minibatchDiscriminationIsEquivariantAndDifferentiable() throws {
        var random = RandomStream(seed: 1)
        let layer = try MinibatchDiscrimination(inputFeatures: 3, kernels: 4, kernelDimension: 2, random: &random)
        layer.projection = random.normal([3, 8])
        let x = random.normal([5, 3])
        let order = [3, 0, 4, 1, 2]
        let direct = try permuted(layer(x), order), shuffled = try layer(permuted(x, order))
        #expect(zip(direct.scalars, shuffled.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let weights = random.normal([5, 7])
        let objective = { (input: Tensor) in try (layer(input) * weights).sum() }
        let analytic = try gradient(at: x, in: objective)
        #expect(try finiteDifferenceError(at: x, analytic: analytic, epsilon: 1e-3, objective) < 2e-2)
    }

    /// x = [[0, 1], [2, 1]]: standard deviations 1 and 0, so the appended feature is ½.
    @Test func minibatchStandardDeviationByHand() throws {
        let layer = MinibatchStandardDeviation(epsilon: 0)
        let y = try layer(Tensor(shape: [2, 2], scalars: [0, 1, 2, 1]))
        #expect(y.shape == [2, 3])
        #expect(y.scalars == [0, 1, 0.5, 2, 1, 0.5])
        var random = RandomStream(seed: 2)
        let x = random.normal([6, 4]), weights = random.normal([6, 5])
        let objective = { (input: Tensor) in try (MinibatchStandardDeviation()(input) * weights).sum() }
        let analytic = try gradient(at: x, in: objective)
        #expect(try finiteDifferenceError(at: x, analytic: analytic, epsilon: 1e-3, objective) < 2e-2)
    }

    @Test func packingConcatenatesConsecutiveSamples() throws {
        let packing = try Packing(degree: 2)
        let x = try Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = try packing(x)
        #expect(y.shape == [2, 4])
        #expect(y.scalars == x.scalars)
        #expect(throws: TensorError.self) { try packing(Tensor.zeros([3, 2])) }
        #expect(throws: TensorError.self) { try Packing(degree: 0) }
    }

    static let shape = VectorDiscriminatorShape(inputSize: 2, hiddenSizes: [16, 16, 16])

    @Test(arguments: AdversarialMethod.allCases)
    func everyDiscriminatorScoresItsBatch(method: AdversarialMethod) throws {
        var random = RandomStream(seed: 3)
        let discriminator = try method.makeVectorDiscriminator(Self.shape, random: &random)
        let x = random.normal([8, 2])
        let scores = try discriminator(x)
        #expect(scores.shape == [method == .pacgan ? 4 : 8, 1])
        #expect(scores.scalars.allSatisfy { $0.isFinite })
        let (_, gradients) = try valueAndGradient(of: discriminator) { try discriminator(x).sum() }
        #expect(gradients.paths.count == discriminator.trainableParameters.count)
    }

    /// Per-sample discriminators score a sample the same whatever its batch; batch-aware
    /// ones do not; the equivariant ones permute their scores with the batch.
    @Test(arguments: AdversarialMethod.allCases.filter { $0 != .pacgan })
    func batchDependenceIsWhatTheMethodSays(method: AdversarialMethod) throws {
        var random = RandomStream(seed: 4)
        let discriminator = try method.makeVectorDiscriminator(Self.shape, random: &random)
        let x = random.normal([8, 2])
        let alone = try discriminator(x.narrowed(axis: 0, start: 0, length: 4)).scalars
        let together = try discriminator(x).scalars.prefix(4)
        let perSample = zip(alone, together).allSatisfy { abs($0 - $1) < 1e-5 }
        #expect(perSample == [.gan, .mixup, .wganGP, .ganGP].contains(method))
        let order = [5, 2, 7, 0, 1, 6, 3, 4]
        let shuffled = try discriminator(permuted(x, order)), direct = try permuted(discriminator(x), order)
        #expect(zip(shuffled.scalars, direct.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }
}
