import Adversarial
import Foundation
import GenerativeModels
import NeuralNet
import TensorCore
import Testing

@Suite struct TrainerTests {
    static func trainer(method: AdversarialMethod = .bgan, seed: UInt64,
                        data: @escaping (Int, inout RandomStream) throws -> Tensor = { n, r in r.normal([n, 2]) })
        throws -> AdversarialTrainer {
        var random = RandomStream(seed: seed)
        let generator = try Sequential.perceptron(inputSize: 2, hiddenSizes: [8, 8], outputSize: 2, random: &random)
        let discriminator = try method.makeVectorDiscriminator(
            VectorDiscriminatorShape(inputSize: 2, hiddenSizes: [8, 8]), random: &random)
        return try AdversarialTrainer(generator: generator, discriminator: discriminator,
                                      objective: method.makeObjective(), latentSize: 2, batchSize: 8,
                                      discriminatorSteps: 2, seed: seed, sampleReal: data)
    }

    static func parameters(_ module: Module) -> [Float] { module.namedParameters.flatMap { $0.parameter.tensor.scalars } }

    @Test(arguments: AdversarialMethod.allCases)
    func oneSeedReproducesTheRunBitForBit(method: AdversarialMethod) throws {
        let a = try Self.trainer(method: method, seed: 11), b = try Self.trainer(method: method, seed: 11)
        let c = try Self.trainer(method: method, seed: 12)
        var lossesA: [AdversarialLosses] = [], lossesB: [AdversarialLosses] = []
        for _ in 0..<3 {
            lossesA.append(try a.trainIteration())
            lossesB.append(try b.trainIteration())
            try c.trainIteration()
        }
        #expect(lossesA == lossesB)
        #expect(Self.parameters(a.generator) == Self.parameters(b.generator))
        #expect(Self.parameters(a.discriminator) == Self.parameters(b.discriminator))
        #expect(Self.parameters(a.generator) != Self.parameters(c.generator))
        #expect(a.iteration == 3)
    }

    /// Both players move, and the discriminator's parameters are trainable again afterwards.
    @Test func anIterationUpdatesBothNetworks() throws {
        let trainer = try Self.trainer(seed: 13)
        trainer.discriminator.namedParameters.first!.parameter.isTrainable = false  // a user's frozen parameter
        let g0 = Self.parameters(trainer.generator), d0 = Self.parameters(trainer.discriminator)
        try trainer.trainIteration()
        #expect(Self.parameters(trainer.generator) != g0)
        #expect(Self.parameters(trainer.discriminator) != d0)
        let flags = trainer.discriminator.namedParameters.map(\.parameter.isTrainable)
        #expect(flags.first == false && flags.dropFirst().allSatisfy { $0 })
    }

    @Test func aNonFiniteLossStopsBeforeAnyUpdate() throws {
        let trainer = try Self.trainer(method: .gan, seed: 14) { n, _ in Tensor.full([n, 2], .nan) }
        let d0 = Self.parameters(trainer.discriminator)
        do {
            try trainer.trainIteration()
            Issue.record("a NaN loss must stop training")
        } catch let TrainingError.nonFiniteLoss(iteration, network, value) {
            #expect(iteration == 1 && network == "discriminator" && value.isNaN)
        }
        #expect(Self.parameters(trainer.discriminator) == d0)
        #expect(trainer.iteration == 0)
    }

    @Test func invalidSettingsAreRejected() throws {
        var random = RandomStream(seed: 0)
        let g = try Sequential.perceptron(inputSize: 2, hiddenSizes: [4], outputSize: 2, random: &random)
        #expect(throws: TrainingError.self) {
            try AdversarialTrainer(generator: g, discriminator: g, objective: NonSaturatingObjective(), latentSize: 2,
                                   batchSize: 8, discriminatorSteps: 0, seed: 0, sampleReal: { n, r in r.normal([n, 2]) })
        }
    }
}
