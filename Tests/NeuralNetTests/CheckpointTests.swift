import Foundation
import HDF5IO
import TestSupport
import Testing
import TensorCore
@testable import NeuralNet

/// A dense block with a weight, a bias and a running-statistics buffer.
final class CheckpointTestBlock: Module {
    @Parameter var weight: Tensor
    @Parameter var bias: Tensor
    @Buffer var runningMean: Tensor

    init(inputs: Int, outputs: Int, random: inout RandomStream) {
        weight = random.normal([outputs, inputs])
        bias = random.uniform([outputs], low: -1, high: 1)
        runningMean = random.uniform([outputs])
        super.init()
    }
}

/// Blocks of the given widths, a free parameter and a module-owned random stream.
final class CheckpointTestNet: Module {
    let layers: [CheckpointTestBlock]
    @Parameter var scale: Tensor
    @RandomState var dropout: RandomStream

    init(widths: [Int], seed: UInt64) {
        var random = RandomStream(seed: seed)
        layers = zip(widths, widths.dropFirst()).map { CheckpointTestBlock(inputs: $0, outputs: $1, random: &random) }
        scale = random.normal([])
        dropout = random.split("dropout")
        super.init()
    }

    /// Bit patterns of every parameter, buffer and random state, by path.
    var fingerprint: [String: [UInt64]] {
        var result: [String: [UInt64]] = [:]
        for (path, parameter) in namedParameters { result[path] = parameter.tensor.scalars.map { UInt64($0.bitPattern) } }
        for (path, buffer) in namedBuffers { result[path] = buffer.wrappedValue.scalars.map { UInt64($0.bitPattern) } }
        for (path, state) in namedRandomStates { result[path] = [state.wrappedValue.key, state.wrappedValue.counter] }
        return result
    }
}

/// Gradients for every parameter of `net`, drawn from `random`.
func checkpointTestGradients(for net: Module, _ random: inout RandomStream) -> Gradients {
    var gradients = Gradients()
    for (path, parameter) in net.namedParameters { gradients[path] = random.normal(parameter.shape) }
    return gradients
}

/// Saving and restoring modules, optimisers, random streams, step and metadata.
@Suite struct CheckpointTests {
    @Test func roundTripRestoresBitIdenticalState() throws {
        let folder = TemporaryFolder()
        let path = folder.file("checkpoint.h5")
        let saved = CheckpointTestNet(widths: [3, 4, 2], seed: 1)
        _ = saved.dropout.uniform([5])  // advance the module's stream
        saved.layers[1].runningMean = Tensor([0.25, -0.0])
        var dataStream = RandomStream(seed: 77).split("data")
        _ = dataStream.normal([9])

        try Checkpoint.save(to: path, step: 1234, modules: ["generator": saved], randomStreams: ["data": dataStream],
                            metadata: ["config": "widths = [3, 4, 2]\nlr = 2e-4", "commit": "abc123"])

        let restored = CheckpointTestNet(widths: [3, 4, 2], seed: 2)
        #expect(restored.fingerprint != saved.fingerprint)
        let firstWeight = try #require(restored.namedParameters.first { $0.path == "layers.0.weight" }).parameter
        let leaf = try #require(firstWeight.tensor.gradNode)
        let contents = try Checkpoint.restore(from: path, modules: ["generator": restored])

        #expect(restored.fingerprint == saved.fingerprint)
        #expect(firstWeight.tensor.gradNode === leaf, "parameters are restored in place, keeping their graph leaf")
        #expect(firstWeight.tensor.scalars == saved.layers[0].weight.scalars)
        #expect(contents.step == 1234)
        #expect(contents.metadata == ["config": "widths = [3, 4, 2]\nlr = 2e-4", "commit": "abc123"])
        #expect(contents.moduleNames == ["generator"])
        #expect(contents.optimizerNames == [])
        var resumedStream = try contents.randomStream("data")
        #expect(resumedStream == dataStream)
        #expect(resumedStream.uniform([4]).scalars == dataStream.uniform([4]).scalars)
        #expect(restored.dropout.uniform([3]).scalars == saved.dropout.uniform([3]).scalars)
    }

    @Test func datasetsAreNamedByDottedPathForH5py() throws {
        let folder = TemporaryFolder()
        let path = folder.file("layout.h5")
        let net = CheckpointTestNet(widths: [2, 3], seed: 3)
        try Checkpoint.save(to: path, step: 7, modules: ["critic": net], randomStreams: ["noise": RandomStream(seed: 5)],
                            metadata: ["seed": "3"])
        let file = try HDF5File.open(path)
        #expect(try file.datasetPaths() == ["modules/critic/dropout", "modules/critic/layers.0.bias",
                                            "modules/critic/layers.0.runningMean", "modules/critic/layers.0.weight",
                                            "modules/critic/scale", "random/noise"])
        #expect(try file.read("modules/critic/layers.0.weight", as: Float.self).values == net.layers[0].weight.scalars)
        #expect(try file.dataset("modules/critic/scale").shape == [])
        #expect(try file.read("random/noise", as: UInt64.self).values == [5, 0])
        #expect(try file.attributes.string("format") == "mixedbatch-checkpoint")
        #expect(try file.attributes.value("format_version", as: Int64.self) == 1)
        #expect(try file.attributes.value("step", as: Int64.self) == 7)
        #expect(try file.group("metadata").attributes.string("seed") == "3")
    }

    @Test func generatorDiscriminatorAndTheirOptimizersResumeExactly() throws {
        let folder = TemporaryFolder()
        let path = folder.file("gan.h5")
        var gradientStream = RandomStream(seed: 11)
        let gradients = (0..<3).map { _ in
            (checkpointTestGradients(for: CheckpointTestNet(widths: [3, 4], seed: 0), &gradientStream),
             checkpointTestGradients(for: CheckpointTestNet(widths: [4, 1], seed: 0), &gradientStream))
        }

        // Uninterrupted run: three steps.
        let generator = CheckpointTestNet(widths: [3, 4], seed: 1)
        let critic = CheckpointTestNet(widths: [4, 1], seed: 2)
        let generatorOptimizer = try Adam(for: generator, learningRate: 0.01, beta1: 0.5)
        let criticOptimizer = try SGD(for: critic, learningRate: 0.1, momentum: 0.9)
        for (step, (g, c)) in gradients.enumerated() {
            try generatorOptimizer.step(gradients: g)
            try criticOptimizer.step(gradients: c)
            if step == 1 {
                try Checkpoint.save(to: path, step: 2, modules: ["generator": generator, "critic": critic],
                                    optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer])
            }
        }

        // Interrupted run: fresh objects restored from step 2, then the third step.
        let generator2 = CheckpointTestNet(widths: [3, 4], seed: 5)
        let critic2 = CheckpointTestNet(widths: [4, 1], seed: 6)
        let generatorOptimizer2 = try Adam(for: generator2, learningRate: 0.01, beta1: 0.5)
        let criticOptimizer2 = try SGD(for: critic2, learningRate: 0.1, momentum: 0.9)
        let contents = try Checkpoint.restore(from: path, modules: ["generator": generator2, "critic": critic2],
                                              optimizers: ["generator": generatorOptimizer2, "critic": criticOptimizer2])
        #expect(contents.step == 2)
        #expect(contents.optimizerNames == ["critic", "generator"])
        #expect(generatorOptimizer2.stepCount == 2)
        try generatorOptimizer2.step(gradients: gradients[2].0)
        try criticOptimizer2.step(gradients: gradients[2].1)

        #expect(generator2.fingerprint == generator.fingerprint)
        #expect(critic2.fingerprint == critic.fingerprint)

        let file = try HDF5File.open(path)
        #expect(try file.group("optimizers/generator").attributes.value("step_count", as: Int64.self) == 2)
        #expect(try file.group("optimizers/generator").datasetPaths().contains("layers.0.weight.exp_avg_sq"))
        #expect(try file.group("optimizers/critic").datasetPaths().contains("scale.momentum_buffer"))
    }

    @Test func restoringOnlyPartOfACheckpointIsAllowed() throws {
        let folder = TemporaryFolder()
        let path = folder.file("partial.h5")
        let generator = CheckpointTestNet(widths: [2, 2], seed: 1)
        try Checkpoint.save(to: path, step: 1, modules: ["generator": generator, "critic": CheckpointTestNet(widths: [2, 1], seed: 2)])
        let sample = CheckpointTestNet(widths: [2, 2], seed: 9)
        try Checkpoint.restore(from: path, modules: ["generator": sample])
        #expect(sample.fingerprint == generator.fingerprint)
        let contents = try Checkpoint.inspect(path)
        #expect(contents.moduleNames == ["critic", "generator"])
        #expect(throws: CheckpointError.randomStreamNotFound(file: path, name: "data", available: [])) {
            try contents.randomStream("data")
        }
    }

    @Test func saveNeverClobbersWithoutOverwriteAndLeavesNoTemporaryFile() throws {
        let folder = TemporaryFolder()
        let path = folder.file("run.h5")
        let net = CheckpointTestNet(widths: [2, 2], seed: 1)
        try Checkpoint.save(to: path, step: 1, modules: ["model": net])
        #expect(try folder.listing() == ["run.h5"])
        let refused = #expect(throws: HDF5Error.fileExists(file: path)) {
            try Checkpoint.save(to: path, step: 2, modules: ["model": net])
        }
        #expect(refused?.description.contains("overwrite: true") == true)
        #expect(try Checkpoint.inspect(path).step == 1, "the first checkpoint is intact")
        try Checkpoint.save(to: path, step: 3, modules: ["model": net], overwrite: true)
        #expect(try Checkpoint.inspect(path).step == 3)
        #expect(try folder.listing() == ["run.h5"])
    }

    @Test func invalidNamesAreRejectedBeforeAnyFileIsWritten() throws {
        let folder = TemporaryFolder()
        let path = folder.file("names.h5")
        let net = CheckpointTestNet(widths: [2, 2], seed: 1)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.save(to: path, step: 0, modules: ["gen/a": net]) }
        #expect(error?.description.contains("module name 'gen/a' cannot be stored") == true)
        #expect(throws: CheckpointError.self) { try Checkpoint.save(to: path, step: 0, randomStreams: ["": RandomStream(seed: 1)]) }
        #expect(try folder.listing().isEmpty)
    }
}

/// Every dataset of a checkpoint carries a Fletcher-32 checksum: one flipped bit in a weight
/// makes restoring fail with HDF5's checksum error, and nothing is restored.
@Test func aFlippedBitInACheckpointIsDetected() throws {
    let folder = TemporaryFolder()
    let path = folder.file("run.h5")
    var random = RandomStream(seed: 3)
    let block = CheckpointTestBlock(inputs: 4, outputs: 3, random: &random)
    block.weight = Tensor(repeating: 1234.5, shape: [3, 4])
    try Checkpoint.save(to: path, step: 1, modules: ["block": block])
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let pattern = withUnsafeBytes(of: Float(1234.5).bitPattern.littleEndian, Array.init)
    let offset = try #require((0..<(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == pattern })
    bytes[offset + 1] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let fresh = CheckpointTestBlock(inputs: 4, outputs: 3, random: &random)
    let before = fresh.weight.scalars
    #expect {
        try Checkpoint.restore(from: path, modules: ["block": fresh])
    } throws: { error in
        "\(error)".contains("Fletcher32")
    }
    #expect(fresh.weight.scalars == before)
}
