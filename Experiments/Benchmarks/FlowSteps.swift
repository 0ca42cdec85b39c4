import Flows
import NeuralNet
import TensorCore
import Training

/// Issue 13's flow steps: one maximum-likelihood training step (forward, backward, Adam) of
/// NICE on 784-d vectors at batch 100 (the paper's MNIST model: 4 couplings of 5 × 1000-unit
/// MLPs) and of the default Real-NVP (2 scales, 2 residual blocks of 32 channels, batch norm)
/// on MNIST-shaped and 32×32×3 images at batch 64 — the models of
/// `pytorch_reference_flows.py`.
enum FlowSteps {
    static func steps() throws -> [ComparedStep] {
        var random = RandomStream(seed: 13)
        let nice = try FlowArchitectures.nice(dimension: 784, random: &random)
        var steps = [try step(nice, name: "NICE step, 784-d, batch 100", batch: [100, 784], referenceCase: "nice-784")]
        for imageShape in [[1, 28, 28], [3, 32, 32]] {
            let realNVP = try FlowArchitectures.realNVP(imageShape: imageShape, random: &random)
            steps.append(try step(realNVP, name: "Real-NVP step, \(imageShape), batch 64", batch: [64] + imageShape,
                                  referenceCase: "realnvp-" + imageShape.map(String.init).joined(separator: "x")))
        }
        return steps
    }

    private static func step(_ density: FlowDensity, name: String, batch shape: [Int], referenceCase: String) throws -> ComparedStep {
        let player = try Player(name: "flow", module: density, optimizer: Adam(for: density, learningRate: 1e-3)) { batch, _ in
            PlayerLoss(try -density.logLikelihood(batch.inputs).mean())
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: shape[0], seed: 13) { _, random in
            try Batch(inputs: random.uniform(shape))
        }
        return ComparedStep(name: name, note: "forward + backward + Adam, \(density.parameterCount) parameters",
                            script: "pytorch_reference_flows.py", referenceCase: referenceCase, targetRatio: 0.8) {
            try procedure.trainIteration()
        }
    }
}
