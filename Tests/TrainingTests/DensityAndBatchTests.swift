import Datasets
import Distributions
import Foundation
import TensorCore
import Testing
import Training

@Suite struct DensityAndBatchTests {
    /// The mixture's density integrates to one: a midpoint sum over a fine 2D grid that holds
    /// all of its mass.
    @Test func theMixtureDensityIntegratesToOne() throws {
        var random = RandomStream(seed: 8)
        let model = try GaussianMixtureDensity(components: 3, dimensions: 2, random: &random)
        model.logStd = try Tensor(shape: [3, 2], scalars: [-0.5, 0, 0.3, -0.2, 0, 0.1])
        model.logits = Tensor([0.5, -1, 0.2])
        let steps = 400, low: Float = -9, width: Float = 18
        let h = width / Float(steps)
        let points = Tensor(shape: [steps * steps, 2]) { out, _ in
            for i in 0..<steps {
                for j in 0..<steps {
                    out[2 * (i * steps + j)] = low + (Float(i) + 0.5) * h
                    out[2 * (i * steps + j) + 1] = low + (Float(j) + 0.5) * h
                }
            }
        }
        let total = try exp(model.logLikelihood(points)).scalars.reduce(0.0) { $0 + Double($1) } * Double(h * h)
        #expect(abs(total - 1) < 1e-3)
    }

    /// Samples follow the density: their mean matches Σ π_k μ_k.
    @Test func samplesFollowTheMixture() throws {
        var random = RandomStream(seed: 9)
        let model = try GaussianMixtureDensity(components: 2, dimensions: 1, random: &random)
        model.means = try Tensor(shape: [2, 1], scalars: [-3, 3])
        model.logits = Tensor([0, Float(log(3.0))])  // π = (¼, ¾)
        let samples = try model.sample(count: 20_000, random: &random).scalars
        let mean = samples.reduce(0, +) / Float(samples.count)
        #expect(abs(mean - 1.5) < 0.06)
    }

    @Test func datasetsYieldLabelledBatches() throws {
        let mixture = try GaussianMixture2D.squares()
        var a = RandomStream(seed: 4), b = RandomStream(seed: 4)
        let batch = try mixture.sampleBatch(count: 50, random: &a)
        let (points, modes) = try mixture.sampleWithModes(count: 50, random: &b)
        #expect(batch.inputs.scalars == points.scalars && batch.labels == modes && batch.count == 50)

        let images = try ImageDataset(shape: [3, 1, 2, 2], pixels: Array(0..<12), labels: [7, 8, 9], source: "test")
        var c = RandomStream(seed: 5), d = RandomStream(seed: 5)
        let labelled = try images.sampleBatch(count: 6, random: &c)
        #expect(labelled.inputs.scalars == (try images.sampleBatch(count: 6, random: &d)).inputs.scalars)
        let rows = labelled.inputs.scalars
        for (row, label) in zip(0..<6, labelled.labels!) {
            #expect(Int(((rows[row * 4] + 1) * 127.5).rounded()) / 4 + 7 == label)
        }
    }

    @Test func badBatchesAreRejected() {
        #expect(throws: TensorError.self) { try Batch(inputs: Tensor.zeros([3, 2]), labels: [1, 2]) }
        #expect(throws: TensorError.self) { try Batch(inputs: Tensor.zeros([3, 2]), conditions: Tensor.zeros([2, 1])) }
    }
}

/// The README's "How to add a model family" example, as written there (fewer iterations).
@Suite struct ReadmeFamilyExampleTests {
    @Test func theExampleTrainsAndReportsItsMetrics() throws {
        let mixture = try GaussianMixture2D.squares()
        var random = RandomStream(seed: 0)
        let model = try GaussianMixtureDensity(components: 8, dimensions: 2, random: &random)
        var settings = OptimizerSettings(learningRate: 1e-2)
        settings.gradientClipNorm = 10; settings.averagingDecay = 0.999
        let procedure = try TrainingProcedure(players: [model.maximumLikelihoodPlayer(optimizer: settings)],
                                              batchSize: 64, seed: 0) { count, random in
            try mixture.sampleBatch(count: count, random: &random)
        }
        var first: [String: Float] = [:], last: [String: Float] = [:]
        for iteration in 0..<60 {
            last = try procedure.trainIteration()
            if iteration == 0 { first = last }
        }
        #expect(Set(last.keys) == ["density.loss", "density.nll", "density.gradient_norm"])
        #expect(last["density.nll"]! < first["density.nll"]!)
    }
}
