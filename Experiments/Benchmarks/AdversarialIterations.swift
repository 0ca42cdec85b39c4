import Adversarial
import Datasets
import NeuralNet
import TensorCore
import Training

/// Issue 4's speed target: one 2D training iteration (n_disc = 5 discriminator steps and
/// one generator step, batch 64, three hidden layers of 512) for GAN, BGAN and M-BGAN —
/// the model `pytorch_reference_2d.py` times in PyTorch.
enum AdversarialIterations {
    static func run(into table: inout BenchmarkTable, widths: [Int] = [512]) throws {
        let mixture = try GaussianMixture2D.squares()
        for width in widths {
            for method in [AdversarialMethod.gan, .bgan, .mbgan] {
                var random = RandomStream(seed: 7)
                let generator = try Sequential.perceptron(inputSize: 2, hiddenSizes: [width, width, width], outputSize: 2,
                                                          random: &random)
                let discriminator = try method.makeVectorDiscriminator(
                    VectorDiscriminatorShape(inputSize: 2, hiddenSizes: [width, width, width]), random: &random)
                let procedure = try AdversarialTraining.procedure(
                    generator: LatentGenerator(network: generator, latentSize: 2), discriminator: discriminator,
                    objective: method.makeObjective(), batchSize: 64, discriminatorSteps: 5, optimizer: OptimizerSettings(),
                    seed: 7, data: { count, random in try mixture.sampleBatch(count: count, random: &random) })
                try table.measure("2D \(method.rawValue) iteration (n_disc 5, batch 64, width \(width))",
                                  note: "3 hidden layers, Adam") {
                    try procedure.trainIteration()
                }
            }
        }
    }
}
