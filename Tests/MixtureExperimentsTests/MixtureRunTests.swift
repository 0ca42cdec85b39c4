import ExperimentRuns
import Foundation
import MixtureExperiments
import NeuralNet
import Reporting
import TestSupport
import Testing
import Training

struct Interrupted: Error {}

@Suite struct MixtureRunTests {
    static func tinyConfig(method: String = "bgan") throws -> MixtureRunConfig {
        try MixtureRunConfig.decode(overrides: [
            "method": method, "width": 8, "depth": 1, "iterations": 6, "checkpoint_every": 3, "history_every": 2,
            "evaluation_samples": 200, "snapshot_iterations": [2, 6], "snapshot_samples": 10, "batch_size": 8,
        ], over: MixtureRunConfig(), source: "test")
    }

    static func weights(_ path: String, method: String = "bgan") throws -> [Float] {
        let (generator, discriminator) = try MixtureRun.makeNetworks(try tinyConfig(method: method))
        try Checkpoint.restore(from: path, modules: ["generator": generator.network, "discriminator": discriminator])
        return (generator.network.namedParameters + discriminator.namedParameters).flatMap { $0.parameter.tensor.scalars }
    }

    @Test func aRunWritesItsResultAndNeverOverwritesIt() throws {
        let folder = TemporaryFolder(create: false)
        let run = MixtureRun(config: try Self.tinyConfig(), folder: folder.path)
        let result = try run.execute(resume: false)
        #expect(result.status == .completed && result.iterations == 6)
        #expect(result.metrics.modesTotal == 25 && result.metrics.samples == 200)
        #expect(result.history.names == ["discriminator.loss", "generator.loss"])
        #expect(result.history["generator.loss"]?.iterations == [2, 4, 6])
        #expect(result.extras.map(\.iteration) == [2, 6] && result.extras[0].points.count == 20)
        for file in ["result.json", "manifest.json", "checkpoint.h5"] {
            #expect(FileManager.default.fileExists(atPath: folder.path + "/" + file))
        }
        #expect(throws: ConfigError.self) { try run.execute(resume: false) }
        #expect(try run.execute(resume: true) == result)
        var other = try Self.tinyConfig()
        other.gamma = 0.1
        #expect(throws: ConfigError.self) { try MixtureRun(config: other, folder: folder.path).execute(resume: true) }
    }

    /// Interrupted after iteration 4 (its last checkpoint at 3) and resumed, a run ends exactly
    /// where an uninterrupted one does: same curves, snapshots, metrics and weights — for the
    /// standard GAN, BGAN and M-BGAN.
    @Test(arguments: ["gan", "bgan", "mbgan"])
    func aResumedRunIsBitIdenticalToAnUninterruptedOne(method: String) throws {
        let straight = TemporaryFolder(create: false), interrupted = TemporaryFolder(create: false)
        let config = try Self.tinyConfig(method: method)
        let expected = try MixtureRun(config: config, folder: straight.path).execute(resume: false)
        let run = MixtureRun(config: config, folder: interrupted.path)
        #expect(throws: Interrupted.self) {
            try run.execute(resume: false) { iteration in if iteration == 4 { throw Interrupted() } }
        }
        #expect(!FileManager.default.fileExists(atPath: run.resultPath))
        #expect(throws: ConfigError.self) { try run.execute(resume: false) }  // a checkpoint is there
        let resumed = try run.execute(resume: true)
        #expect(resumed.history == expected.history && resumed.extras == expected.extras)
        #expect(resumed.metrics == expected.metrics && resumed.iterations == expected.iterations)
        #expect(try Self.weights(run.checkpointPath, method: method)
                == Self.weights(straight.path + "/checkpoint.h5", method: method))
    }

    @Test func aCheckpointOfAnotherConfigIsNotResumed() throws {
        let folder = TemporaryFolder(create: false)
        let run = MixtureRun(config: try Self.tinyConfig(), folder: folder.path)
        #expect(throws: Interrupted.self) {
            try run.execute(resume: false) { iteration in if iteration == 3 { throw Interrupted() } }
        }
        var other = try Self.tinyConfig()
        other.width = 16
        #expect(throws: ConfigError.self) { try MixtureRun(config: other, folder: folder.path).execute(resume: true) }
    }

    /// An absurd learning rate blows the weights up: the run stops at the non-finite loss,
    /// still writes its result with status `diverged`, and names the iteration and the last
    /// good checkpoint.
    @Test func aDivergingRunStopsAndSaysWhere() throws {
        let folder = TemporaryFolder(create: false)
        var config = try Self.tinyConfig(method: "gan")
        config.learningRate = 1e10  // diverges at iteration 2, after one checkpoint
        config.iterations = 50
        config.checkpointEvery = 1
        let result = try MixtureRun(config: config, folder: folder.path).execute(resume: false)
        #expect(result.status == .diverged && (1..<50).contains(result.iterations))
        let message = try #require(result.message)
        #expect(message.contains("iteration \(result.iterations + 1)") && message.contains("checkpoint.h5"))
        #expect(try MixtureRunResult.read(from: folder.path + "/result.json") == result)
    }

    @Test(arguments: ["gan", "mixup", "mbgan", "minibatch-discrimination", "minibatch-stddev", "pacgan", "wgan-gp"])
    func everyMethodRunsEndToEnd(method: String) throws {
        let folder = TemporaryFolder(create: false)
        var config = try Self.tinyConfig(method: method)
        config.iterations = 2
        config.snapshotIterations = [2]
        let result = try MixtureRun(config: config, folder: folder.path).execute(resume: false)
        #expect(result.status == .completed && result.history["discriminator.loss"]?.values.count == 1)
    }

    /// Per-player options from the flat config keys: clipping and parameter averaging train,
    /// the averages are checkpointed next to each player's optimiser.
    @Test func playerOptionsComeFromTheConfig() throws {
        let folder = TemporaryFolder(create: false)
        var config = try Self.tinyConfig(method: "mbgan")
        config = try MixtureRunConfig.decode(overrides: ["averaging_decay": 0.9, "gradient_clip_norm": 1],
                                             over: config, source: "test")
        let result = try MixtureRun(config: config, folder: folder.path).execute(resume: false)
        #expect(result.status == .completed)
        #expect(result.history.names.contains("generator.gradient_norm"))
        let contents = try Checkpoint.inspect(folder.path + "/checkpoint.h5")
        #expect(contents.optimizerNames.sorted() == ["discriminator", "discriminator.average", "generator", "generator.average"])
    }
}
