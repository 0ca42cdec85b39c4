import Adversarial
import Datasets
import NeuralNet
import TensorCore
import Training

/// Issue 4's and 12's speed targets: one 2D training iteration (n_disc = 5 discriminator steps
/// and one generator step, batch 64, three hidden layers) for GAN, BGAN and M-BGAN — the model
/// `pytorch_reference_2d.py` times in PyTorch.
enum AdversarialIterations {
    static let batchSize = 64, discriminatorSteps = 5

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
                    objective: method.makeObjective(), batchSize: batchSize, discriminatorSteps: discriminatorSteps,
                    optimizer: OptimizerSettings(), seed: 7,
                    data: { count, random in try mixture.sampleBatch(count: count, random: &random) })
                let referenceName = method == .mbgan ? "m-bgan" : method.rawValue
                return ComparedStep(name: "2D \(method.rawValue) iteration (n_disc 5, batch 64, width \(width))",
                                    note: "3 hidden layers, Adam", script: "pytorch_reference_2d.py",
                                    referenceCase: "2d-\(referenceName)-\(width)", targetRatio: 0.25,
                                    run: { try procedure.trainIteration() },
                                    floor: { try floor(of: procedure, generator: generator, discriminator: discriminator) })
            }
        }
    }

    /// One iteration's products replayed alone, and its n_disc + 1 Adam updates alone (on
    /// fresh optimisers of the procedure's settings over gradients of the players' shapes).
    static func floor(of procedure: TrainingProcedure, generator: any Layer, discriminator: any Layer) throws -> StepFloor {
        _ = try procedure.trainIteration()  // warm: every primitive and buffer made
        let replay = ProductTrace.Replay(try ProductTrace.record { _ = try procedure.trainIteration() })
        let players: [(any Layer, Int)] = [(discriminator, discriminatorSteps), (generator, 1)]
        let updates = try players.map { module, steps in
            let optimizer = try OptimizerSettings().makeOptimizer(for: module)
            var random = RandomStream(seed: 3)
            let input = random.normal([batchSize, 2])
            let gradients = try valueAndGradient(of: module) { try module(input).sum() }.gradients
            let parameters = module.namedParameters
            return (optimizer, gradients, parameters, steps)
        }
        let updatesMilliseconds = try BenchmarkTable.medianMilliseconds {
            for (optimizer, gradients, parameters, steps) in updates {
                for _ in 0..<steps { try optimizer.step(gradients: gradients, parameters: parameters) }
            }
        }
        return StepFloor(products: replay.products.count, multiplyAdds: replay.multiplyAdds,
                         productsMilliseconds: BenchmarkTable.medianMilliseconds(replay.run),
                         updatesMilliseconds: updatesMilliseconds)
    }
}
