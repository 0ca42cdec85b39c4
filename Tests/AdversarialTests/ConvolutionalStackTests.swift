import Adversarial
import Foundation
import Training
import NeuralNet
import TensorCore
import Testing

@Suite struct ConvolutionalStackTests {
    @Test(arguments: [32, 48, 64])
    func networksHaveTheShapesOfSpecSection3_5(imageSize: Int) throws {
        var random = RandomStream(seed: 1)
        var shape = try ConvolutionalGANShape(imageSize: imageSize, widthMultiplier: 1.0 / 32)
        shape.latentSize = 8
        let generator = try shape.makeGenerator(random: &random)
        let images = try generator(random.normal([3, 8]))
        #expect(images.shape == [3, 3, imageSize, imageSize])
        #expect(images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        for form in ConvolutionalDiscriminatorForm.allCases {
            let discriminator = try shape.makeDiscriminator(form, random: &random)
            #expect(try discriminator(images).shape == [3, 1], "\(form)")
        }
        #expect(throws: TensorError.self) { try ConvolutionalGANShape(imageSize: 40) }
    }

    /// At full width the 32×32 discriminator is the seven-convolution network of the table
    /// (and the 64×64 one has one more pair).
    @Test func fullWidthLayersMatchTheTable() throws {
        var random = RandomStream(seed: 2)
        let shape = try ConvolutionalGANShape(imageSize: 32)
        let discriminator = try shape.makeDiscriminator(.perSample, random: &random)
        let convolutions = discriminator.layers.compactMap { $0 as? Conv2D }
        #expect(convolutions.map { $0.weight.shape } == [
            [64, 3, 3, 3], [64, 64, 4, 4], [128, 64, 3, 3], [128, 128, 4, 4], [256, 128, 3, 3], [256, 256, 4, 4], [512, 256, 3, 3],
        ])
        let generator = try shape.makeGenerator(random: &random)
        #expect((generator.layers[0] as? Linear)?.weight.shape == [512 * 16, 128])
        let large = try ConvolutionalGANShape(imageSize: 64).makeDiscriminator(.perSample, random: &random)
        #expect(large.layers.compactMap { $0 as? Conv2D }.count == 9)
    }

    /// The equivariant discriminator permutes its per-sample outputs with its input batch;
    /// the per-sample one scores each image independently of the others.
    @Test func batchBehaviourOfTheForms() throws {
        var random = RandomStream(seed: 3)
        let shape = try ConvolutionalGANShape(imageSize: 32, widthMultiplier: 1.0 / 32)
        let images = random.uniform([5, 3, 32, 32], low: -1, high: 1)
        let order = [3, 1, 4, 0, 2]
        let equivariant = try shape.makeDiscriminator(.equivariant, random: &random)
        let direct = try equivariant(images).indexSelect(order, axis: 0), shuffled = try equivariant(images.indexSelect(order, axis: 0))
        #expect(zip(direct.scalars, shuffled.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
        let alone = try equivariant(images.narrowed(axis: 0, start: 0, length: 2)).scalars
        #expect(zip(alone, try equivariant(images).scalars.prefix(2)).contains { abs($0 - $1) > 1e-6 })
        let plain = try shape.makeDiscriminator(.perSample, random: &random)
        let part = try plain(images.narrowed(axis: 0, start: 0, length: 2)).scalars
        #expect(zip(part, try plain(images).scalars.prefix(2)).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    /// Every form trains in the one loop: an iteration on images changes both networks.
    @Test(arguments: ConvolutionalDiscriminatorForm.allCases)
    func everyFormTrainsInTheSameLoop(form: ConvolutionalDiscriminatorForm) throws {
        var random = RandomStream(seed: 4)
        var shape = try ConvolutionalGANShape(imageSize: 32, widthMultiplier: 1.0 / 64)
        shape.latentSize = 4
        let generator = try shape.makeGenerator(random: &random)
        let discriminator = try shape.makeDiscriminator(form, random: &random)
        let method: AdversarialMethod = form == .equivariant ? .mbgan : .gan
        let objective = form == .minibatchDiscrimination ? NonSaturatingObjective() : try method.makeObjective()
        let procedure = try AdversarialTraining.procedure(
            generator: LatentGenerator(network: generator, latentSize: 4), discriminator: discriminator, objective: objective,
            batchSize: 4, discriminatorSteps: 1, optimizer: OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999),
            seed: 4, data: { n, r in try Batch(inputs: r.uniform([n, 3, 32, 32], low: -1, high: 1)) })
        let before = generator.namedParameters.flatMap { $0.parameter.tensor.scalars }
        let metrics = try procedure.trainIteration()
        #expect(metrics["discriminator.loss"]!.isFinite && metrics["generator.loss"]!.isFinite)
        #expect(generator.namedParameters.flatMap { $0.parameter.tensor.scalars } != before)
    }
}
