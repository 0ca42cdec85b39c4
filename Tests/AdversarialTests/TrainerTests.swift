import Adversarial
import Foundation
import NeuralNet
import TensorCore
import Testing
import Training

@Suite struct TrainerTests {
    struct GAN {
        let procedure: TrainingProcedure
        let generator: Module
        let discriminator: Module
    }

    static func gan(method: AdversarialMethod = .bgan, seed: UInt64,
                    data: @escaping (Int, inout RandomStream) throws -> Tensor = { n, r in r.normal([n, 2]) }) throws -> GAN {
        var random = RandomStream(seed: seed)
        let generator = try Sequential.perceptron(inputSize: 2, hiddenSizes: [8, 8], outputSize: 2, random: &random)
        let discriminator = try method.makeVectorDiscriminator(
            VectorDiscriminatorShape(inputSize: 2, hiddenSizes: [8, 8]), random: &random)
        let procedure = try AdversarialTraining.procedure(
            generator: LatentGenerator(network: generator, latentSize: 2), discriminator: discriminator,
            objective: method.makeObjective(), batchSize: 8, discriminatorSteps: 2, optimizer: OptimizerSettings(),
            seed: seed, data: { n, r in try Batch(inputs: data(n, &r)) })
        return GAN(procedure: procedure, generator: generator, discriminator: discriminator)
    }

    static func parameters(_ module: Module) -> [Float] { module.namedParameters.flatMap { $0.parameter.tensor.scalars } }

    @Test(arguments: AdversarialMethod.allCases)
    func oneSeedReproducesTheRunBitForBit(method: AdversarialMethod) throws {
        let a = try Self.gan(method: method, seed: 11), b = try Self.gan(method: method, seed: 11)
        let c = try Self.gan(method: method, seed: 12)
        var metricsA: [[String: Float]] = [], metricsB: [[String: Float]] = []
        for _ in 0..<3 {
            metricsA.append(try a.procedure.trainIteration())
            metricsB.append(try b.procedure.trainIteration())
            try c.procedure.trainIteration()
        }
        #expect(metricsA == metricsB)
        #expect(Set(metricsA[0].keys) == ["discriminator.loss", "generator.loss"])
        #expect(Self.parameters(a.generator) == Self.parameters(b.generator))
        #expect(Self.parameters(a.discriminator) == Self.parameters(b.discriminator))
        #expect(Self.parameters(a.generator) != Self.parameters(c.generator))
        #expect(a.procedure.iteration == 3)
    }

    /// Both players move, and every parameter's trainable flag is as it was afterwards.
    @Test func anIterationUpdatesBothNetworks() throws {
        let gan = try Self.gan(seed: 13)
        gan.discriminator.namedParameters.first!.parameter.isTrainable = false  // a user's frozen parameter
        let g0 = Self.parameters(gan.generator), d0 = Self.parameters(gan.discriminator)
        try gan.procedure.trainIteration()
        #expect(Self.parameters(gan.generator) != g0)
        #expect(Self.parameters(gan.discriminator) != d0)
        let flags = gan.discriminator.namedParameters.map(\.parameter.isTrainable)
        #expect(flags.first == false && flags.dropFirst().allSatisfy { $0 })
        #expect(gan.generator.namedParameters.allSatisfy { $0.parameter.isTrainable })
    }

    /// The discriminator's step leaves the generator untouched and the generator's step the
    /// discriminator: each player is frozen during the other's steps.
    @Test func eachStepMovesOnlyItsPlayer() throws {
        let gan = try Self.gan(method: .mbgan, seed: 15)
        let g0 = Self.parameters(gan.generator), d0 = Self.parameters(gan.discriminator)
        try gan.procedure.trainStep(of: "discriminator")
        #expect(Self.parameters(gan.generator) == g0 && Self.parameters(gan.discriminator) != d0)
        let d1 = Self.parameters(gan.discriminator)
        try gan.procedure.trainStep(of: "generator")
        #expect(Self.parameters(gan.generator) != g0 && Self.parameters(gan.discriminator) == d1)
    }

    @Test func aNonFiniteLossStopsBeforeAnyUpdate() throws {
        let gan = try Self.gan(method: .gan, seed: 14) { n, _ in Tensor.full([n, 2], .nan) }
        let d0 = Self.parameters(gan.discriminator)
        do {
            try gan.procedure.trainIteration()
            Issue.record("a NaN loss must stop training")
        } catch let TrainingError.nonFiniteLoss(iteration, player, value) {
            #expect(iteration == 1 && player == "discriminator" && value.isNaN)
        }
        #expect(Self.parameters(gan.discriminator) == d0)
        #expect(gan.procedure.iteration == 0)
    }

    @Test func invalidSettingsAreRejected() throws {
        var random = RandomStream(seed: 0)
        let g = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 2, random: &random)
        let d = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 1, random: &random)
        #expect(throws: TrainingError.self) {
            try AdversarialTraining.procedure(
                generator: LatentGenerator(network: g, latentSize: 2), discriminator: d, objective: NonSaturatingObjective(),
                batchSize: 8, discriminatorSteps: 0, optimizer: OptimizerSettings(), seed: 0,
                data: { n, r in try Batch(inputs: r.normal([n, 2])) })
        }
        #expect(throws: TrainingError.self) { try LatentGenerator(network: g, latentSize: 0) }
    }
}
