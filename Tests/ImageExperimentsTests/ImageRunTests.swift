import Datasets
import Evaluation
import ExperimentRuns
import Foundation
import ImageExperiments
import NeuralNet
import TestSupport
import Testing
import TensorCore
import Training

struct Interrupted: Error {}

/// A small glyph dataset and a briefly trained classifier, made once for the suite.
enum Fixture {
    static let folder = TemporaryFolder()
    static var dataPath: String { folder.path + "/glyphs.h5" }
    static var classifierPath: String { folder.path + "/classifier.h5" }
    static let prepared: Result<Void, Error> = Result {
        _ = try GlyphAssets.writeDataset(to: dataPath, count: 96, seed: 5)
        _ = try GlyphAssets.trainClassifier(to: classifierPath, steps: 3, seed: 5, heldOut: 64, requiredAccuracy: 0)
    }

    static func config(_ overrides: [String: Any] = [:]) throws -> ImageRunConfig {
        try prepared.get()
        let base: [String: Any] = [
            "method": "mbgan", "data": dataPath, "classifier": classifierPath, "width_multiplier": 1.0 / 64,
            "latent_size": 8, "batch_size": 8, "iterations": 4, "checkpoint_every": 2, "history_every": 2,
            "curve_every": 2, "curve_samples": 16, "evaluation_samples": 24, "grid_samples": 16,
        ]
        return try ImageRunConfig.decode(overrides: base.merging(overrides) { $1 }, over: ImageRunConfig(), source: "test")
    }
}

@Suite(.serialized) struct ImageRunTests {
    static func weights(_ path: String, config: ImageRunConfig) throws -> [Float] {
        let (generator, discriminator) = try ImageRun.makeNetworks(config, imageShape: [3, 32, 32])
        try Checkpoint.restore(from: path, modules: ["generator": generator.network, "discriminator": discriminator])
        return (generator.network.namedParameters + discriminator.namedParameters).flatMap { $0.parameter.tensor.scalars }
    }

    @Test func aRunWritesItsResultCurvesAndSamplesAndNeverOverwritesThem() throws {
        let folder = TemporaryFolder()
        let config = try Fixture.config()
        let run = ImageRun(config: config, folder: folder.path)
        let result = try run.execute(resume: false)
        #expect(result.status == .completed && result.iterations == 4)
        #expect(result.history["discriminator.loss"]?.iterations == [2, 4])
        let scores = try #require(result.history[ImageRunResult.inceptionScoreSeries])
        let fids = try #require(result.history[ImageRunResult.fidSeries])
        #expect(scores.iterations == [2, 4] && fids.iterations == [2, 4])
        #expect(scores.values.allSatisfy { $0 >= 1 && $0 <= 1000 } && fids.values.allSatisfy { $0 >= 0 })
        let metrics = result.metrics
        #expect(metrics.samples == 24 && metrics.modesTotal == 1000)
        #expect((1...24).contains(metrics.modes ?? 0))
        #expect(metrics.fid.map { $0 >= 0 } == true && metrics.kid != nil && metrics.spectralDistance >= 0)
        #expect(metrics.precision.map { (0...1).contains($0) } == true && metrics.recall.map { (0...1).contains($0) } == true)
        for file in ["result.json", "manifest.json", "checkpoint.h5", "samples.png", "samples.h5"] {
            #expect(FileManager.default.fileExists(atPath: folder.path + "/" + file), "\(file)")
        }
        #expect(try ImageDataset.read(fromHDF5: run.samplesDataPath).shape == [16, 3, 32, 32])
        let manifest = try String(contentsOfFile: folder.path + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("feature_extractor_weights_hash") && manifest.contains("equivariant"))
        #expect(throws: ConfigError.self) { try run.execute(resume: false) }
        #expect(try run.execute(resume: true) == result)
        var other = config
        other.gamma = 0.1
        #expect(throws: ConfigError.self) { try ImageRun(config: other, folder: folder.path).execute(resume: true) }
    }

    /// Interrupted after iteration 3 (its last checkpoint at 2) and resumed, a run ends exactly
    /// where an uninterrupted one does: same losses, curves, metrics and weights.
    @Test(arguments: ["mbgan", "gan", "gan-gp"])
    func aResumedRunIsBitIdenticalToAnUninterruptedOne(method: String) throws {
        let straight = TemporaryFolder(), interrupted = TemporaryFolder()
        let config = try Fixture.config(["method": method])
        let expected = try ImageRun(config: config, folder: straight.path).execute(resume: false)
        let run = ImageRun(config: config, folder: interrupted.path)
        #expect(throws: Interrupted.self) {
            try run.execute(resume: false) { iteration in if iteration == 3 { throw Interrupted() } }
        }
        #expect(!FileManager.default.fileExists(atPath: run.resultPath))
        let resumed = try run.execute(resume: true)
        #expect(resumed.history == expected.history)
        #expect(resumed.metrics == expected.metrics)
        #expect(try Self.weights(run.checkpointPath, config: config)
                == Self.weights(straight.path + "/checkpoint.h5", config: config))
    }

    @Test func withoutAClassifierOnlyTheSpectralDistanceIsComputed() throws {
        let folder = TemporaryFolder()
        var config = try Fixture.config(["method": "gan", "spectral_norm": true, "curve_every": 0, "export_samples": true])
        config.classifier = nil
        let run = ImageRun(config: config, folder: folder.path)
        let result = try run.execute(resume: false)
        #expect(result.metrics.fid == nil && result.metrics.modes == nil && result.metrics.inceptionScore == nil)
        #expect(result.metrics.spectralDistance.isFinite && result.history[ImageRunResult.fidSeries] == nil)
        #expect(try ImageDataset.read(fromHDF5: run.evaluationSamplesPath).shape == [24, 3, 32, 32])
    }

    /// Flow-GAN's Jacobian analysis of a non-invertible k = d generator (Figs. 4 / 8's DCGAN
    /// curves): 32×32 grey images, 1,024 latent dimensions, the spectrum at two prior draws; a
    /// latent size other than C·H·W is refused before training.
    @Test func aKEqualsDGeneratorReportsItsJacobianSpectrum() throws {
        let folder = TemporaryFolder()
        try Fixture.prepared.get()
        let glyphs = try ImageDataset.read(fromHDF5: Fixture.dataPath)
        let grey = try ImageDataset(images: glyphs.batch(Array(0..<32)).narrowed(axis: 1, start: 0, length: 1), source: "grey glyphs")
        try grey.write(toHDF5: folder.path + "/grey.h5", overwrite: false)
        var config = try Fixture.config(["method": "wgan-gp", "data": folder.path + "/grey.h5", "latent_size": 1_024,
                                         "jacobian_points": 2, "curve_every": 0, "iterations": 2])
        config.classifier = nil
        let result = try ImageRun(config: config, folder: folder.path + "/run").execute(resume: false)
        let spectrum = try #require(result.metrics.jacobian)
        #expect(spectrum.points == 2 && spectrum.quantiles.count == 101 && spectrum.meanLogDeterminant.isFinite)
        #expect(zip(spectrum.quantiles, spectrum.quantiles.dropFirst()).allSatisfy { $0 <= $1 } && spectrum.quantiles[0] >= 0)
        var mismatched = config
        mismatched.latentSize = 8
        #expect(throws: ConfigError.self) { _ = try ImageRun(config: mismatched, folder: folder.path + "/wrong").execute(resume: false) }
    }

    @Test func badSettingsAndFilesAreNamed() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return ""
        }
        #expect(message { try Fixture.config(["method": "mixup"]).validate() }.contains("no image discriminator"))
        #expect(message { try Fixture.config(["method": "bgan", "spectral_norm": true]).validate() }.contains("A4.5"))
        #expect(message { _ = try Fixture.config(["widht_multiplier": 0.5]) }.contains("did you mean 'width_multiplier'"))
        #expect(message { try Fixture.config(["gamma": 0.7]).validate() }.contains("gamma"))
        let folder = TemporaryFolder()
        let missing = try Fixture.config(["data": folder.path + "/nothing.h5"])
        #expect(message { _ = try ImageRun(config: missing, folder: folder.path + "/run").execute(resume: false) }
            .contains("mixedbatch data glyphs"))
        let noClassifier = try Fixture.config(["classifier": folder.path + "/none.h5"])
        #expect(message { _ = try ImageRun(config: noClassifier, folder: folder.path + "/run2").execute(resume: false) }
            .contains("mixedbatch data glyph-classifier"))
    }

    @Test func aClassifierBelowTheRequiredAccuracyIsNotSaved() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/weak.h5"
        #expect(throws: ConfigError.self) {
            try GlyphAssets.trainClassifier(to: path, steps: 1, seed: 1, heldOut: 32, requiredAccuracy: 0.99)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        try Fixture.prepared.get()
        let report = try GlyphAssets.classifierReport(at: Fixture.classifierPath)
        #expect(report.steps == 3 && report.heldOutGlyphs == 64 && report.weightsHash.count == 16)
    }
}

/// A run with `inception_weights` adds Inception's IS and FID (random weights here: the
/// machinery, not the numbers), caches the real features, and refuses a missing weight file.
@Test func inceptionWeightsAddInceptionsScoreAndFID() throws {
    let folder = TemporaryFolder()
    var random = RandomStream(seed: 3)
    let weights = folder.path + "/inception.h5"
    try Checkpoint.save(to: weights, step: 0, modules: [InceptionV3.checkpointModule: InceptionV3.randomlyInitialised(random: &random)],
                        metadata: ["network": InceptionV3.networkName])
    let config = try Fixture.config(["method": "gan", "curve_every": 0, "evaluation_samples": 12, "inception_weights": weights,
                                     "feature_cache": folder.path + "/cache"])
    let result = try ImageRun(config: config, folder: folder.path + "/run").execute(resume: false)
    let (fid, score) = (try #require(result.metrics.inceptionV3FID), try #require(result.metrics.inceptionV3Score))
    #expect(fid.isFinite && fid >= 0 && score >= 1 && score <= Double(InceptionV3.classCount))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/cache").count == 1)
    #expect(throws: ConfigError.self) { try Fixture.config(["inception_weights": folder.path + "/absent.h5"]).validate() }
}
