import ExperimentRuns
import Foundation
import Reporting
import TestSupport
import Testing
import Training

@Suite struct RunResultTests {
    static func result(kl: Double?) -> RunResult<ToyRunConfig, ToyMetrics, NoExtras> {
        var history = MetricHistory()
        history.append("model.loss", iteration: 2, value: 0.5)
        return RunResult(config: ToyRunConfig(), status: .completed, message: nil, iterations: 4,
                         metrics: ToyMetrics(finalLoss: 0.25, reverseKL: kl), seconds: 2, history: history, extras: NoExtras())
    }

    @Test func theSummaryNamesEveryMetricInSnakeCase() throws {
        let summary = try Self.result(kl: 0.5).summary(folder: "results/runs/toy")
        #expect(summary["final_loss"] == .number(0.25) && summary["reverse_kl"] == .number(0.5))
        #expect(summary["name"] == .string("toy-s3") && summary["output"] == .string("results/runs/toy"))
        #expect(summary["seconds_per_iteration"] == .number(0.5) && summary["iterations"] == .number(4))
        #expect(try Self.result(kl: nil).summary(folder: "x")["reverse_kl"] == nil)
    }

    @Test func aResultFileRoundTripsAndAForeignOneIsNamed() throws {
        let folder = TemporaryFolder(create: false)
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let result = Self.result(kl: nil)
        try result.write(to: folder.path + "/result.json")
        #expect(try RunResult<ToyRunConfig, ToyMetrics, NoExtras>.read(from: folder.path + "/result.json") == result)
        try Data("{\"name\": 3}".utf8).write(to: URL(fileURLWithPath: folder.path + "/bad.json"))
        #expect(throws: ConfigError.self) {
            try RunResult<ToyRunConfig, ToyMetrics, NoExtras>.read(from: folder.path + "/bad.json")
        }
    }

    /// A config's groups never share a key, and every key decodes back to the same config.
    @Test func settingsGroupsLayFlatWithoutOverlap() throws {
        let keys = ToyRunConfig.configKeys
        #expect(Set(keys).count == keys.count && keys.contains("learning_rate") && keys.contains("iterations"))
        var config = try ToyRunConfig.decode(overrides: ["learning_rate": 0.5, "gradient_clip_norm": 2],
                                             over: ToyRunConfig(), source: "test")
        #expect(config.optimizer.learningRate == 0.5 && config.optimizer.gradientClipNorm == 2)
        let text = try config.jsonText()
        #expect(!text.contains("\"schedule\"") && text.contains("\"checkpoint_every\""))
        config = try ToyRunConfig.decode(Data(text.utf8), over: ToyRunConfig(), source: "round trip")
        #expect(try config.jsonText() == text)
        #expect(throws: ConfigError.self) {
            try ToyRunConfig.decode(overrides: ["learnig_rate": 1], over: ToyRunConfig(), source: "test")
        }
    }
}
