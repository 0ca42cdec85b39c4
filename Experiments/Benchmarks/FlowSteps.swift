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
    static func run(into table: inout BenchmarkTable) throws {
        var random = RandomStream(seed: 13)
        let nice = try FlowArchitectures.nice(dimension: 784, random: &random)
        try measure(nice, name: "NICE step, 784-d, batch 100", batch: [100, 784], into: &table)
        for imageShape in [[1, 28, 28], [3, 32, 32]] {
            let realNVP = try FlowArchitectures.realNVP(imageShape: imageShape, random: &random)
            try measure(realNVP, name: "Real-NVP step, \(imageShape), batch 64", batch: [64] + imageShape, into: &table)
        }
    }

    private static func measure(_ density: FlowDensity, name: String, batch shape: [Int], into table: inout BenchmarkTable) throws {
        let player = try Player(name: "flow", module: density, optimizer: Adam(for: density, learningRate: 1e-3)) { batch, _ in
            PlayerLoss(try -density.logLikelihood(batch.inputs).mean())
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: shape[0], seed: 13) { _, random in
            try Batch(inputs: random.uniform(shape))
        }
        try table.measure(name, note: "forward + backward + Adam, \(density.parameterCount) parameters") {
            try procedure.trainIteration()
        }
    }
}
