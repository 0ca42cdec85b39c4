import Adversarial
import Datasets
import NeuralNet
import TensorCore
import Training

/// Issue 4's and 12's speed targets: one 2D training iteration (n_disc = 5 discriminator steps
/// and one generator step, batch 64, three hidden layers) for GAN, BGAN and M-BGAN — the model
/// `pytorch_reference_2d.py` times in PyTorch.
enum AdversarialIterations {
    static func steps(widths: [Int] = [512]) throws -> [ComparedStep] {
        let mixture = try GaussianMixture2D.squares()
        return try widths.flatMap { width in
            try [AdversarialMethod.gan, .bgan, .mbgan].map { method in
                var random = RandomStream(seed: 7)
                let generator = try Sequential.perceptron(inputSize: 2, hiddenSizes: [width, width, width], outputSize: 2,
                                                          random: &random)
                let discriminator = try method.makeVectorDiscriminator(
                    VectorDiscriminatorShape(inputSize: 2, hiddenSizes: [width, width, width]), random: &random)
                let procedure = try AdversarialTraining.procedure(
                    generator: LatentGenerator(network: generator, latentSize: 2), discriminator: discriminator,
                    objective: method.makeObjective(), batchSize: 64, discriminatorSteps: 5, optimizer: OptimizerSettings(),
                    seed: 7, data: { count, random in try mixture.sampleBatch(count: count, random: &random) })
                let referenceName = method == .mbgan ? "m-bgan" : method.rawValue
                return ComparedStep(name: "2D \(method.rawValue) iteration (n_disc 5, batch 64, width \(width))",
                                    note: "3 hidden layers, Adam", script: "pytorch_reference_2d.py",
                                    referenceCase: "2d-\(referenceName)-\(width)", targetRatio: 0.25) {
                    try procedure.trainIteration()
                }
            }
        }
    }
}
