import Adversarial
import GenerativeModels
import NeuralNet
import TensorCore

/// Issue 6's speed target: one discriminator step and one generator step (forward, backward,
/// Adam) of the full-width SNGAN networks at 32×32, batch 64, with the per-sample
/// discriminator (GAN loss) and the equivariant one (M-BGAN loss).
enum ImageSteps {
    static func run(into table: inout BenchmarkTable) throws {
        let shape = try ConvolutionalGANShape(imageSize: 32)
        for (form, method) in [(ConvolutionalDiscriminatorForm.perSample, AdversarialMethod.gan), (.equivariant, .mbgan)] {
            var random = RandomStream(seed: 9)
            let trainer = try AdversarialTrainer(
                generator: shape.makeGenerator(random: &random), discriminator: shape.makeDiscriminator(form, random: &random),
                objective: method.makeObjective(), latentSize: shape.latentSize, batchSize: 64, discriminatorSteps: 1,
                adam: AdamSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999), seed: 9,
                sampleReal: { count, random in random.uniform([count, 3, 32, 32], low: -1, high: 1) })
            try table.measure("SNGAN 32×32 \(form.rawValue) discriminator step (\(method.rawValue)), batch 64",
                              note: "G forward, D forward + backward, Adam") { try trainer.discriminatorStep() }
            try table.measure("SNGAN 32×32 generator step against the \(form.rawValue) discriminator, batch 64",
                              note: "G and D forward + backward, Adam on G") { try trainer.generatorStep() }
        }
    }
}
