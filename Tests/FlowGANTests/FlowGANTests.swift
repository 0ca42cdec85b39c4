import Datasets
import DensityExperiments
import Evaluation
import ExperimentRuns
import FlowGAN
import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing
import Training

struct Interrupted: Error {}

/// Labelled 8-bit 8×8 corner squares (3×3, label 0 top-left, 1 bottom-right); a classifier of them
/// for the MODE score.
enum Fixture {
    static let folder = TemporaryFolder()
    static func path(_ name: String) -> String { folder.path + "/\(name).h5" }
    static let prepared: Result<Void, Error> = Result {
        for (name, count, seed) in [("train", 96, UInt64(1)), ("validation", 24, 2), ("test", 24, 3)] {
            try CornerSquares.dataset(count: count, side: 8, square: 3, inset: 1, seed: seed).write(toHDF5: path(name))
        }
        var random = RandomStream(seed: 4)
        let classifier = try GlyphClassifier(imageSize: 8, random: &random)
        try classifier.train(on: ImageDataset.read(fromHDF5: path("train")), steps: 30, batchSize: 16, random: &random)
        try classifier.save(to: path("classifier"))
    }

    static func config(_ objective: FlowGANObjective, _ overrides: [String: Any] = [:]) throws -> FlowGANRunConfig {
        try prepared.get()
        let base: [String: Any] = [
            "objective": objective.rawValue, "model": "nice", "data": path("train"), "test_data": path("test"),
            "validation_data": path("validation"), "classifier": path("classifier"), "batch_size": 8, "iterations": 4,
            "checkpoint_every": 2, "history_every": 2, "curve_every": 2, "curve_rows": 16, "hidden_layers": 1,
            "hidden_units": 16, "couplings": 2, "critic_features": 4, "critic_steps": 2, "mode_samples": 20,
            "jacobian_points": 2, "parzen_samples": 30, "grid_samples": 8, "learning_rate": 0.001,
            "ais_images": 3, "ais_steps": 10, "ais_chains": 2,
        ]
        return try FlowGANRunConfig.decode(overrides: base.merging(overrides) { $1 }, over: FlowGANRunConfig(), source: "test")
    }
}

@Suite(.serialized) struct FlowGANTests {
    /// The generator's hybrid loss is the WGAN generator loss plus λ times the batch's mean
    /// NLL (Eq. 7); MLE's is the NLL alone; ADV's has no likelihood term.
    @Test func theGeneratorLossesAreTheObjectivesOfSpecFive() throws {
        let config = try Fixture.config(.hybrid, ["likelihood_weight": 0.3])
        let dataset = try ImageDataset.read(fromHDF5: Fixture.path("train"))
        let (model, procedure) = try FlowGANRun(config: config, folder: "unused").makeProcedure(for: dataset)
        #expect(procedure.players.map(\.name) == ["critic", "generator"])
        let critic = try #require(procedure.players[0].module as? any Layer)
        var random = RandomStream(seed: 9)
        let batch = try Batch(inputs: model.inputs(fromPixels: dataset.pixelBatch(Array(0..<8)), random: &random))
        var streams = procedure.streams, replay = procedure.streams
        let loss = try procedure.players[1].loss(batch, &streams)
        let generated = try replay.with("latent") {
            try (model.module as! any DifferentiableSampler).generate(count: 8, random: &$0)
        }
        let nll = try model.module.logLikelihood(batch.inputs).mean().scalar * -1
        let expected = try 0.3 * nll - critic(generated).mean().scalar
        #expect(abs(loss.loss.scalar - expected) < 1e-3 * max(1, abs(expected)), "\(loss.loss.scalar) vs \(expected)")
        #expect(loss.metrics["nll"] == nll)

        let (mleModel, mle) = try FlowGANRun(config: try Fixture.config(.mle), folder: "unused").makeProcedure(for: dataset)
        #expect(mle.players.map(\.name) == ["generator"])
        var mleStreams = mle.streams
        let mleLoss = try mle.players[0].loss(batch, &mleStreams).loss.scalar
        #expect(abs(mleLoss + (try mleModel.module.logLikelihood(batch.inputs).mean().scalar)) < 1e-3)
        let (_, adv) = try FlowGANRun(config: try Fixture.config(.adv), folder: "unused").makeProcedure(for: dataset)
        var advStreams = adv.streams
        #expect(try adv.players[1].loss(batch, &advStreams).metrics["nll"] == nil)
    }

    /// The brute-force Jacobian of G = f⁻¹ has Σ ln sᵢ = ln |det ∂f⁻¹/∂z| = −ln |det ∂f/∂x| at
    /// x = G(z), which the flow computes analytically — for NICE (volume preserving but for its
    /// scaling) and for a Real-NVP (affine couplings, batch norm in evaluation mode).
    @Test(arguments: [DensityModelKind.nice, .realnvp])
    func theJacobianLogDeterminantMatchesTheFlows(model kind: DensityModelKind) throws {
        var settings = DensitySettings()
        (settings.model, settings.couplings, settings.hiddenLayers, settings.hiddenUnits) = (kind, 2, 1, 16)
        (settings.scales, settings.residualBlocks, settings.features, settings.finalCouplings) = (1, 1, 4, 2)
        settings.dataInitializedScaling = false
        var random = RandomStream(seed: 2)
        let model = try DensityModel(settings, imageShape: [1, 4, 4], random: &random)
        // Move every parameter off its initialisation so that no scale is trivially 1.
        for (_, parameter) in model.module.namedParameters {
            let noise = random.normal(parameter.shape, standardDeviation: 0.1).scalars
            parameter.update { values, count in for i in 0..<count { values[i] += noise[i] } }
        }
        model.module.eval()
        let density = try #require(model.flowDensity), generator = try #require(model.flatGenerator)
        let z = try density.priorSample(count: 1, random: &random).reshaped([1, 16])
        let spectrum = try GeneratorJacobian.spectrum(of: generator, at: z)
        let x = try generator(z).reshaped([1] + density.rowShape)
        let analytic = try -density.flow.forward(x).logDeterminant.scalar
        #expect(abs(spectrum.meanLogDeterminant - Double(analytic)) < 1e-3, "\(spectrum.meanLogDeterminant) vs \(analytic)")
    }

    /// A hybrid run trains, records the NLL and MODE curves, keeps the best-validated flow,
    /// reports the Jacobian and Parzen analyses; interrupted and resumed it ends bit for bit
    /// where an uninterrupted one does.
    @Test func aHybridRunReportsEverythingAndResumesExactly() throws {
        let straight = TemporaryFolder(), interrupted = TemporaryFolder()
        let config = try Fixture.config(.hybrid)
        let expected = try FlowGANRun(config: config, folder: straight.path).execute(resume: false)
        #expect(expected.status == .completed && expected.iterations == 4)
        for series in ["nll.train", "nll.validation", "mode"] {
            #expect(expected.history[series]?.iterations == [2, 4], "\(series)")
        }
        let final = expected.metrics.final
        let test = try #require(final.test)
        #expect(abs(test.continuousNLL! - (test.nll - 64 * log(256))) < 1e-6 * abs(test.nll))
        #expect(try #require(final.modeScore) > 0)
        let best = try #require(expected.metrics.bestValidated)
        #expect(best.iteration == expected.extras.bestValidationIteration)
        let validationCurve = try #require(expected.history["nll.validation"])
        #expect(expected.extras.bestValidationNLL == validationCurve.values.min())
        #expect(best.iteration == validationCurve.iterations[validationCurve.values.firstIndex(of: validationCurve.values.min()!)!])
        #expect(expected.metrics.jacobian?.points == 2 && expected.metrics.jacobian!.meanLogDeterminant.isFinite)
        let parzen = try #require(expected.metrics.parzen)
        #expect(parzen.samples == 30 && parzen.testLogLikelihood.isFinite && parzen.exactTestLogLikelihood == -test.continuousNLL!)
        let ais = try #require(expected.metrics.ais)
        #expect(ais.images == 3 && ais.noise == parzen.bandwidth && ais.testLogLikelihood.isFinite
                    && ais.exactTestLogLikelihood.isFinite && (0...1).contains(ais.acceptance))
        for file in ["result.json", "manifest.json", "checkpoint.h5", "best.h5", "samples.png", "samples.h5"] {
            #expect(FileManager.default.fileExists(atPath: straight.path + "/" + file), "\(file)")
        }
        #expect(throws: Interrupted.self) {
            try FlowGANRun(config: config, folder: interrupted.path).execute(resume: false) { if $0 == 3 { throw Interrupted() } }
        }
        var resumed = try FlowGANRun(config: config, folder: interrupted.path).execute(resume: true)
        (resumed.seconds, resumed.secondsPerIteration) = (expected.seconds, expected.secondsPerIteration)
        #expect(resumed.metrics == expected.metrics)
        #expect(resumed.history == expected.history)
    }

    /// A VAE cannot be a Flow-GAN generator, curves need held-out images, a bad objective is named.
    @Test func badConfigsAreNamed() throws {
        #expect(throws: ConfigError.self) { try Fixture.config(.mle, ["model": "vae"]).validate() }
        #expect(throws: ConfigError.self) { try Fixture.config(.mle, ["validation_data": NSNull()]).validate() }
        #expect(throws: ConfigError.self) { try Fixture.config(.mle, ["objective": "wgan"]) }
        #expect(throws: ConfigError.self) { try Fixture.config(.hybrid, ["likelihood_weight": -1]).validate() }
    }
}
