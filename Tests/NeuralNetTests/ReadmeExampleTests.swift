import Foundation
import NeuralNet
import TensorCore
import Testing

/// The "model in a few lines" example of README.md, kept compiling and correct.
@Suite struct ReadmeExampleTests {
    @Test func trainOneStepAndCheckpoint() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.h5").path

        var random = RandomStream(seed: 0)
        let model = try Sequential {
            try Linear(inputFeatures: 2, outputFeatures: 512, random: &random)
            ReLU()
            try Linear(inputFeatures: 512, outputFeatures: 1, random: &random)
        }
        let adam = try Adam(for: model, learningRate: 1e-3)
        let x = random.normal([64, 2]), y = random.normal([64, 1])
        let (loss, gradients) = try valueAndGradient(of: model) { try square(model(x) - y).mean() }
        try adam.step(gradients: gradients)
        try Checkpoint.save(to: path, step: 1, modules: ["model": model], optimizers: ["adam": adam],
                            randomStreams: ["data": random], metadata: ["loss": "\(loss.scalar)"])

        #expect(gradients.paths == ["layers.0.bias", "layers.0.weight", "layers.2.bias", "layers.2.weight"])
        let after = try square(model(x) - y).mean().scalar
        #expect(after < loss.scalar)
        let contents = try Checkpoint.inspect(path)
        #expect(contents.step == 1)
        #expect(contents.metadata["loss"] == "\(loss.scalar)")
    }
}
