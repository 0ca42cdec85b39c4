import Adversarial
import NeuralNet
import TensorCore
import Training

/// Issue 6's speed target: one discriminator step and one generator step (forward, backward,
/// Adam) of the full-width SNGAN networks at 32×32, batch 64, with the per-sample
/// discriminator (GAN loss) and the equivariant one (M-BGAN loss).
enum ImageSteps {
    static func run(into table: inout BenchmarkTable) throws {
        let shape = try ConvolutionalGANShape(imageSize: 32)
        for (form, method) in [(ConvolutionalDiscriminatorForm.perSample, AdversarialMethod.gan), (.equivariant, .mbgan)] {
            var random = RandomStream(seed: 9)
            let procedure = try AdversarialTraining.procedure(
                generator: LatentGenerator(network: shape.makeGenerator(random: &random), latentSize: shape.latentSize),
                discriminator: shape.makeDiscriminator(form, random: &random), objective: method.makeObjective(),
                batchSize: 64, discriminatorSteps: 1, optimizer: OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999),
                seed: 9, data: { count, random in try Batch(inputs: random.uniform([count, 3, 32, 32], low: -1, high: 1)) })
            try table.measure("SNGAN 32×32 \(form.rawValue) discriminator step (\(method.rawValue)), batch 64",
                              note: "G forward, D forward + backward, Adam") { try procedure.trainStep(of: "discriminator") }
            try table.measure("SNGAN 32×32 generator step against the \(form.rawValue) discriminator, batch 64",
                              note: "G and D forward + backward, Adam on G") { try procedure.trainStep(of: "generator") }
        }
    }
}
