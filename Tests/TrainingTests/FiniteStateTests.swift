import NeuralNet
import TensorCore
import Testing
import Training

@Suite struct FiniteStateTests {
    /// A finite loss whose gradient squares past Float's range leaves Adam's second moment
    /// infinite: the optimiser's per-step check stops the iteration that did it, and the
    /// checkpoint-time state check names the player and the tensor as well.
    @Test func anInfiniteOptimizerStateIsNamed() throws {
        var random = RandomStream(seed: 1)
        let model = try Linear(inputFeatures: 2, outputFeatures: 1, random: &random)
        let player = try Player(name: "model", module: model, optimizer: Adam(for: model, learningRate: 1e-3)) { batch, _ in
            PlayerLoss(try (model(batch.inputs) * 1e25).mean())
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: 4, seed: 0) { count, random in
            try Batch(inputs: random.normal([count, 2]))
        }
        try procedure.checkFiniteState()
        #expect {
            try procedure.trainIteration()
        } throws: { error in
            guard case let .nonFiniteState(iteration, name, path) = error as? TrainingError else { return false }
            return iteration == 1 && name == "model" && path.hasSuffix(".exp_avg_sq")
        }
        #expect {
            try procedure.checkFiniteState()
        } throws: { error in
            guard case let .nonFiniteState(iteration, name, path) = error as? TrainingError else { return false }
            return iteration == 0 && name == "model" && path.contains("optimizer state") && path.contains("exp_avg_sq")
        }
    }
}
