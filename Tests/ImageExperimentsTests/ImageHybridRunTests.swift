import ExperimentRuns
import Foundation
import Hybrid
import ImageExperiments
import NeuralNet
import TensorCore
import TestSupport
import Testing
import Training

/// The hybrids on images: the SNGAN stack's generator, its discriminator's convolutions as the
/// encoder and as the critic, evaluated like any image run.
@Suite(.serialized) struct ImageHybridRunTests {
    @Test(arguments: [HybridModel.bms, .vaeGAN])
    func aHybridTrainsOnImagesAndIsEvaluated(model: HybridModel) throws {
        let folder = TemporaryFolder()
        let config = try Fixture.config(["hybrid": model.rawValue, "samples": 2, "code_width": 16, "code_depth": 2])
        #expect(config.runName == "\(model.rawValue)-T2-s0")
        let result = try ImageRun(config: config, folder: folder.path).execute(resume: false)
        #expect(result.status == .completed && result.iterations == 4 && result.metrics.samples == 24)
        #expect(result.history.names.contains("model.reconstruction"))
        #expect(result.history.names.contains("critic.loss") && result.history.names.contains("code.loss") == (model != .vaeGAN))
        let networks = try ImageRun.makeHybridNetworks(config, model: model, imageShape: [3, 32, 32])
        #expect(try networks.model.encoder(Tensor.zeros([2, 3, 32, 32])).shape == [2, 16])  // mean and log std, latent 8
        let manifest = try String(contentsOfFile: folder.path + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("hybrid"))
    }

    /// Interrupted and resumed, an image BMS run ends bit for bit where an uninterrupted one does.
    @Test func aResumedImageHybridIsBitIdentical() throws {
        let straight = TemporaryFolder(), interrupted = TemporaryFolder()
        let config = try Fixture.config(["hybrid": "bms", "samples": 2, "code_width": 16, "code_depth": 2, "curve_every": 0])
        let expected = try ImageRun(config: config, folder: straight.path).execute(resume: false)
        let run = ImageRun(config: config, folder: interrupted.path)
        #expect(throws: Interrupted.self) {
            try run.execute(resume: false) { iteration in if iteration == 3 { throw Interrupted() } }
        }
        let resumed = try run.execute(resume: true)
        #expect(resumed.history == expected.history && resumed.metrics == expected.metrics)
    }
}
