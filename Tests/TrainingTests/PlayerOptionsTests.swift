import NeuralNet
import TensorCore
import Testing
import Training

@Suite struct PlayerOptionsTests {
    @Test func clippingRescalesToTheMaximumNorm() throws {
        var gradients = Gradients(byPath: ["a": Tensor([3, 0]), "b": Tensor([0, 4])])
        #expect(gradients.globalNorm == 5)
        let before = gradients.clipGlobalNorm(to: 1)
        #expect(before == 5)
        #expect(abs(gradients.globalNorm - 1) < 1e-5)
        #expect(abs(gradients["a"]!.scalars[0] - 0.6) < 1e-5 && abs(gradients["b"]!.scalars[1] - 0.8) < 1e-5)
        var small = Gradients(byPath: ["a": Tensor([0.3, 0.4])])
        small.clipGlobalNorm(to: 1)
        #expect(small["a"]!.scalars == [0.3, 0.4])  // below the maximum: untouched
    }

    @Test func theScheduleWarmsUpThenDecays() {
        let schedule = LearningRateSchedule(warmupSteps: 4, decayPerStep: 0.5)
        #expect(schedule.factor(atStep: 1) == 0.25 * 1)
        #expect(schedule.factor(atStep: 2) == 0.5 * 0.5)
        #expect(schedule.factor(atStep: 4) == 1 * 0.125)
        #expect(schedule.factor(atStep: 5) == 0.0625)
        #expect(LearningRateSchedule().isConstant && LearningRateSchedule().factor(atStep: 1000) == 1)
    }

    /// The procedure sets the scheduled rate before each step: plain SGD moves a parameter
    /// by exactly rate × gradient.
    @Test func theProcedureAppliesTheScheduleToTheOptimiser() throws {
        var random = RandomStream(seed: 1)
        let layer = try Linear(inputFeatures: 1, outputFeatures: 1, bias: false, random: &random)
        let player = try Player(name: "p", module: layer, optimizer: SGD(for: layer, learningRate: 1),
                                options: PlayerOptions(schedule: LearningRateSchedule(warmupSteps: 2, decayPerStep: 1))) { _, _ in
            PlayerLoss(layer.weight.sum())  // gradient 1
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: 1, seed: 0) { n, r in try Batch(inputs: r.normal([n, 1])) }
        let w0 = layer.weight.scalars[0]
        try procedure.trainIteration()
        #expect(abs(layer.weight.scalars[0] - (w0 - 0.5)) < 1e-6)
        try procedure.trainIteration()
        #expect(abs(layer.weight.scalars[0] - (w0 - 1.5)) < 1e-6)
    }

    /// θ̄ starts at θ, then θ̄ ← d·θ̄ + (1 − d)·θ after each update.
    @Test func theAverageFollowsItsRecurrence() throws {
        var random = RandomStream(seed: 2)
        let layer = try Linear(inputFeatures: 1, outputFeatures: 1, bias: false, random: &random)
        let averaging = try ParameterAveraging(module: layer, decay: 0.75)
        layer.weight = try Tensor(shape: [1, 1], scalars: [4])
        averaging.update()
        layer.weight = try Tensor(shape: [1, 1], scalars: [8])
        averaging.update()
        #expect(averaging.average(of: "weight")?.scalars == [5])
        let state = averaging.checkpointState
        let other = try ParameterAveraging(module: layer, decay: 0.75)
        try other.restoreCheckpointState(state)
        #expect(other.average(of: "weight")?.scalars == [5] && other.updateCount == 2)
        #expect(averaging.withAveragedParameters { layer.weight.scalars } == [5] && layer.weight.scalars == [8])
        #expect(throws: OptimizerError.self) {
            try other.restoreCheckpointState(CheckpointState(tensors: ["nope": Tensor([1])], counters: ["update_count": 1]))
        }
    }

    @Test func theMetricWindowAveragesEachSeriesByName() {
        var history = MetricHistory(), window = MetricWindow()
        window.record(["a.loss": 1, "b.loss": 4], iteration: 1, every: 2, into: &history)
        window.record(["a.loss": 3], iteration: 2, every: 2, into: &history)
        window.record(["a.loss": 5, "b.loss": 6], iteration: 3, every: 2, into: &history)
        window.record(["a.loss": 7, "b.loss": 2], iteration: 4, every: 2, into: &history)
        #expect(history["a.loss"] == MetricSeries(iterations: [2, 4], values: [2, 6]))
        #expect(history["b.loss"] == MetricSeries(iterations: [2, 4], values: [4, 4]))
        #expect(history.names == ["a.loss", "b.loss"])
    }
}
