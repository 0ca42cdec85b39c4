import Adversarial
import Foundation
import Hybrid
@testable import MixtureExperiments
import NeuralNet
import TensorCore
import TestSupport
import Testing
import Training

@Suite struct HybridRunTests {
    static func tinyConfig(hybrid: String, samples: Int = 3) throws -> MixtureRunConfig {
        try MixtureRunConfig.decode(overrides: [
            "hybrid": hybrid, "samples": samples, "width": 8, "depth": 1, "latent_size": 4, "code_width": 8,
            "iterations": 6, "checkpoint_every": 3, "history_every": 2, "evaluation_samples": 200,
            "snapshot_iterations": [6], "snapshot_samples": 10, "batch_size": 8, "n_disc": 1,
        ], over: MixtureRunConfig(), source: "test")
    }

    static func weights(_ folder: String, _ config: MixtureRunConfig) throws -> [Float] {
        let networks = try MixtureRun.makeHybridNetworks(config, model: try #require(config.hybrid.hybrid))
        var modules: [String: Module] = ["model": networks.model]
        if let critic = networks.critic { modules["critic"] = critic }
        if let code = networks.codeDiscriminator { modules["code"] = code }
        try Checkpoint.restore(from: folder + "/checkpoint.h5", modules: modules)
        return modules.sorted { $0.key < $1.key }.flatMap { $0.value.namedParameters.flatMap { $0.parameter.tensor.scalars } }
    }

    /// Every hybrid trains end to end with its own players and terms.
    @Test(arguments: HybridModel.allCases)
    func everyHybridRunsEndToEnd(model: HybridModel) throws {
        let folder = TemporaryFolder(create: false)
        let config = try Self.tinyConfig(hybrid: model.rawValue)
        let result = try MixtureRun(config: config, folder: folder.path).execute(resume: false)
        #expect(result.status == .completed && result.metrics.samples == 200)
        let components = model.components
        #expect(result.history.names.contains("critic.loss") == (components.synthetic != .none))
        #expect(result.history.names.contains("code.loss") == components.prior.usesCodeDiscriminator)
        #expect(result.history.names.contains("model.reconstruction") && result.history.names.contains("model.prior"))
        #expect(config.runName.hasPrefix("squares-\(model.rawValue)-"))
    }

    /// Interrupted and resumed, a BMS run (T = 3) ends bit for bit where an uninterrupted one does.
    @Test func aResumedBMSRunIsBitIdentical() throws {
        let straight = TemporaryFolder(create: false), interrupted = TemporaryFolder(create: false)
        let config = try Self.tinyConfig(hybrid: "bms")
        let expected = try MixtureRun(config: config, folder: straight.path).execute(resume: false)
        let run = MixtureRun(config: config, folder: interrupted.path)
        #expect(throws: Interrupted.self) {
            try run.execute(resume: false) { iteration in if iteration == 4 { throw Interrupted() } }
        }
        let resumed = try run.execute(resume: true)
        #expect(resumed.history == expected.history && resumed.extras == expected.extras && resumed.metrics == expected.metrics)
        #expect(try Self.weights(interrupted.path, config) == Self.weights(straight.path, config))
    }

    /// The published protocols set the networks they describe.
    @Test func protocolsBuildThePublishedNetworks() throws {
        var base = MixtureRunConfig()
        base.dataset = "ring8"
        base.method = .pacgan
        let pacgan = MixtureProtocol.pacgan.apply(to: base)
        #expect(pacgan.dataset == "ring8" && pacgan.method == .pacgan && pacgan.batchSize == 100)
        #expect(pacgan.trainingSetSize == 100_000 && pacgan.beta1 == 0.8 && pacgan.learningRate == 1e-4)
        let (generator, discriminator) = try MixtureRun.makeNetworks(pacgan)
        let generatorLayers = try #require(generator.network as? Sequential).layers
        #expect(generatorLayers.count == 4 * 3 + 1 && generatorLayers.filter { $0 is BatchNorm }.count == 4)
        #expect((generatorLayers[0] as? Linear)?.outputFeatures == 400)
        let body = try #require((discriminator as? Sequential)?.layers.last as? Sequential)
        let maxouts = body.layers.compactMap { $0 as? Maxout }
        #expect(maxouts.count == 3 && maxouts.allSatisfy { $0.pieces == 5 && $0.outputFeatures == 200 })
        #expect(maxouts[0].linear.inputFeatures == 4)  // two packed 2-D points

        let mixup = try MixtureProtocol.mixup.apply(to: MixtureRunConfig()).makeMixture()
        #expect(mixup.modeCount == 25 && mixup.standardDeviation == 0.01)
        #expect(mixup.centerScalars.min() == -1 && mixup.centerScalars.max() == 1)
        var ring = MixtureRunConfig()
        ring.dataset = "circles"
        let mixupRing = try MixtureProtocol.mixup.apply(to: ring).makeMixture()
        #expect(mixupRing.modeCount == 8 && Swift.abs(mixupRing.centerScalars[0] - 1) < 1e-6)

        let bms = MixtureProtocol.bms.apply(to: MixtureRunConfig())
        #expect(bms.latentSize == 32 && bms.mixture.generatorHiddenSizes == [128, 128] && bms.mixture.discriminatorHiddenSizes == [128])
        #expect(bms.dataset == "grid25")
        #expect(MixtureProtocol.thesisDefaults.apply(to: pacgan).mixture.generatorWidth == nil)
    }

    /// With a training set, every real point of a batch is one of its points.
    @Test func batchesComeFromTheFixedTrainingSet() throws {
        var config = try Self.tinyConfig(hybrid: "wae")
        config.trainingSetSize = 5
        let mixture = try config.makeMixture()
        let source = try MixtureRun.dataSource(config, mixture: mixture)
        var setRandom = RandomStream(seed: config.seed).split("training-set")
        let set = try mixture.sample(count: 5, random: &setRandom).scalars
        let points = Set(stride(from: 0, to: 10, by: 2).map { [set[$0], set[$0 + 1]] })
        var random = RandomStream(seed: 4)
        let batch = try source(64, &random).inputs.scalars
        let drawn = Set(stride(from: 0, to: batch.count, by: 2).map { [batch[$0], batch[$0 + 1]] })
        #expect(drawn.isSubset(of: points) && drawn.count > 1)
    }

    /// Every run of every part of `make bms` is valid and has its own folder name; the table
    /// rows are the issue's, each at the BMS protocol.
    @Test(arguments: [BMSScale.standard, .paper, .smoke])
    func theBMSPlanIsValidAndItsRunNamesAreDistinct(scale: BMSScale) throws {
        for runs in [scale.tableRuns(), scale.pacganRuns(), scale.mixupRuns()] {
            #expect(Set(runs.map(\.runName)).count == runs.count)
            for config in runs { try config.validate() }
        }
        let table = scale.tableRuns()
        #expect(table.count == 2 * scale.tableRows.count * scale.seeds.count)
        #expect(table.allSatisfy { $0.latentSize == 32 && $0.iterations == scale.tableIterations })
        #expect(Set(table.compactMap(\.hybrid.hybrid)) == [.wae, .alphaGAN, .alphaGANSN, .bms])
        #expect(scale.pacganRuns().allSatisfy { $0.batchSize == 100 * ($0.method == .pacgan ? $0.packingDegree : 1) })
    }

    @Test func badHybridSettingsAreRefused() throws {
        #expect(throws: ConfigError.self) {
            try MixtureRunConfig.decode(overrides: ["hybrid": "bmx"], over: MixtureRunConfig(), source: "test")
        }
        var config = try Self.tinyConfig(hybrid: "bms")
        config.maxoutPieces = 3
        #expect(throws: ConfigError.self) { try config.validate() }
        config = try Self.tinyConfig(hybrid: "bms")
        config.samples = 0
        #expect(throws: ConfigError.self) { try config.validate() }
    }
}
