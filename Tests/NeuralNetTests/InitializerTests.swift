import Foundation
import Testing
import TensorCore
@testable import NeuralNet

/// Mean, standard deviation and largest magnitude of the scalars.
private func summary(_ t: Tensor) -> (mean: Double, std: Double, maxAbs: Float) {
    let xs = t.scalars.map(Double.init)
    let mean = xs.reduce(0, +) / Double(xs.count)
    let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
    return (mean, variance.squareRoot(), t.scalars.map { Swift.abs($0) }.max() ?? 0)
}

/// Checks that `t` looks like U(±bound): inside the bound, reaching near it, std bound/√3.
private func expectUniform(_ t: Tensor, bound: Float, sourceLocation: SourceLocation = #_sourceLocation) {
    let s = summary(t)
    #expect(s.maxAbs <= bound, "max |x| \(s.maxAbs) exceeds the bound \(bound)", sourceLocation: sourceLocation)
    #expect(s.maxAbs > 0.98 * bound, "max |x| \(s.maxAbs) never approaches the bound \(bound)", sourceLocation: sourceLocation)
    #expect(Swift.abs(s.std / (Double(bound) / 3.0.squareRoot()) - 1) < 0.03, "std \(s.std) for bound \(bound)",
            sourceLocation: sourceLocation)
    #expect(Swift.abs(s.mean) < 0.02 * Double(bound), sourceLocation: sourceLocation)
}

/// Checks that `t` looks like N(0, std²).
private func expectNormal(_ t: Tensor, std: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    let s = summary(t)
    #expect(Swift.abs(s.std / std - 1) < 0.03, "std \(s.std), expected \(std)", sourceLocation: sourceLocation)
    #expect(Swift.abs(s.mean) < 0.02 * std, sourceLocation: sourceLocation)
    #expect(Double(s.maxAbs) > 3 * std, "a Gaussian sample this large has values beyond 3σ", sourceLocation: sourceLocation)
}

@Suite struct InitializerTests {
    @Test func fansFollowPyTorch() throws {
        #expect(try Fans(shape: [4, 3]) == Fans(fanIn: 3, fanOut: 4))
        #expect(try Fans(shape: [8, 3, 5, 5]) == Fans(fanIn: 75, fanOut: 200))
        // ConvTranspose2D weight [C_in, C_out, k, k]: fan-in from axis 1.
        #expect(try Fans(shape: [16, 2, 4, 4]) == Fans(fanIn: 32, fanOut: 256))
        #expect(throws: TensorError.self) { try Fans(shape: [5]) }
    }

    @Test func gains() {
        #expect(Nonlinearity.linear.gain == 1)
        #expect(Nonlinearity.sigmoid.gain == 1)
        #expect(Swift.abs(Nonlinearity.tanh.gain - 5.0 / 3.0) < 1e-7)
        #expect(Nonlinearity.relu.gain == Float(2).squareRoot())
        #expect(Swift.abs(Nonlinearity.leakyRelu(slope: 0.2).gain - Float(2 / 1.04).squareRoot()) < 1e-7)
    }

    @Test func pytorchDefaultsOfLinearAndConvolutions() throws {
        var random = RandomStream(seed: 70)
        let linear = try Linear(inputFeatures: 400, outputFeatures: 300, random: &random)
        expectUniform(linear.weight, bound: 1 / 20)
        let linearBias = try Linear(inputFeatures: 16, outputFeatures: 20_000, random: &random).bias!
        expectUniform(linearBias, bound: 1 / 4)

        let conv = try Conv2D(inputChannels: 16, outputChannels: 400, kernelSize: 4, random: &random)
        expectUniform(conv.weight, bound: 1 / 16)
        // ConvTranspose2D: fan-in = outputChannels·k·k = 4·2·2 = 16, not 2000·4.
        let transposed = try ConvTranspose2D(inputChannels: 20_000, outputChannels: 4, kernelSize: 2, random: &random)
        expectUniform(transposed.weight, bound: 1 / 4)
        let transposedBias = try ConvTranspose2D(inputChannels: 2, outputChannels: 20_000, kernelSize: 2,
                                                 random: &random).bias!
        expectUniform(transposedBias, bound: 1 / Float(20_000 * 4).squareRoot())
    }

    @Test func xavierAndKaiming() throws {
        var random = RandomStream(seed: 71)
        let shape = [200, 100, 3, 3]  // fanIn 900, fanOut 1800
        expectUniform(try Initializer.xavierUniform(gain: 2)(shape, random: &random), bound: 2 * (6.0 / 2700).squareRoot())
        expectNormal(try Initializer.xavierNormal()(shape, random: &random), std: (2.0 / 2700).squareRoot())
        expectUniform(try Initializer.kaimingUniform()(shape, random: &random), bound: Float(6.0 / 900).squareRoot())
        expectUniform(try Initializer.kaimingUniform(mode: .fanOut)(shape, random: &random),
                      bound: Float(6.0 / 1800).squareRoot())
        expectNormal(try Initializer.kaimingNormal()(shape, random: &random), std: (2.0 / 900).squareRoot())
        expectNormal(try Initializer.kaimingNormal(nonlinearity: .leakyRelu(slope: 0.2), mode: .fanOut)(shape, random: &random),
                     std: (2.0 / 1.04 / 1800).squareRoot())
        #expect(throws: TensorError.self) { try Initializer.xavierUniform()([10], random: &random) }
        #expect(throws: TensorError.self) { try Initializer.kaimingNormal()([0, 3], random: &random) }
    }

    @Test func simpleRules() throws {
        var random = RandomStream(seed: 72)
        let untouched = random
        #expect(try Initializer.zeros([2, 3], random: &random).scalars == [Float](repeating: 0, count: 6))
        #expect(try Initializer.ones([4], random: &random).scalars == [1, 1, 1, 1])
        #expect(try Initializer.constant(0.5)([2], random: &random).scalars == [0.5, 0.5])
        #expect(random == untouched, "constant rules draw nothing")
        let normal = try Initializer.normal(mean: 0, standardDeviation: 0.02)([100_000], random: &random)
        expectNormal(normal, std: 0.02)
        let uniform = try Initializer.uniform(low: 2, high: 3)([10_000], random: &random).scalars
        #expect(uniform.allSatisfy { $0 >= 2 && $0 < 3 })
        #expect(throws: TensorError.self) { try Initializer.zeros([-1], random: &random) }
    }

    @Test func layersAcceptCustomInitialisers() throws {
        var random = RandomStream(seed: 73)
        let layer = try Linear(inputFeatures: 2, outputFeatures: 3, weightInitializer: .constant(0.25),
                               biasInitializer: .zeros, random: &random)
        #expect(layer.weight.scalars.allSatisfy { $0 == 0.25 })
        #expect(layer.bias!.scalars == [0, 0, 0])
    }

    @Test func sameSeedGivesIdenticalModels() throws {
        func build(seed: UInt64) throws -> Sequential {
            var random = RandomStream(seed: seed)
            return try Sequential {
                try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, random: &random)
                try ConvTranspose2D(inputChannels: 4, outputChannels: 2, kernelSize: 2, stride: 2, random: &random)
                try Dropout(probability: 0.2, random: &random)
                Flatten()
                try SpectralNorm(try Linear(inputFeatures: 8, outputFeatures: 2, random: &random), random: &random)
            }
        }
        func state(_ model: Sequential) -> [[Float]] {
            model.namedParameters.map(\.parameter.tensor.scalars) + model.namedBuffers.map(\.buffer.wrappedValue.scalars)
        }
        let (a, b, c) = (try build(seed: 5), try build(seed: 5), try build(seed: 6))
        #expect(state(a) == state(b))
        #expect(a.namedRandomStates[0].state.wrappedValue == b.namedRandomStates[0].state.wrappedValue)
        #expect(zip(state(a), state(c)).allSatisfy { $0 != $1 })
    }
}
