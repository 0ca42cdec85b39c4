import Foundation
import HDF5IO
import TestSupport
import Testing
import TensorCore
@testable import NeuralNet

/// A checkpoint that does not fit is reported completely, and changes nothing.
@Suite struct CheckpointMismatchTests {
    /// Problems of the `CheckpointError.mismatch` thrown by `body`, or a recorded issue.
    private func mismatchProblems(file: String, _ body: () throws -> Void) -> [String] {
        let error = #expect(throws: CheckpointError.self) { try body() }
        guard case let .mismatch(reported, problems)? = error else {
            Issue.record("expected a mismatch, got \(String(describing: error))")
            return []
        }
        #expect(reported == file)
        #expect(error?.description.hasPrefix("checkpoint \(file) does not fit (\(problems.count) problems; nothing was restored)") == true)
        return problems
    }

    @Test func differentArchitectureReportsEveryMismatch() throws {
        let folder = TemporaryFolder()
        let path = folder.file("arch.h5")
        try Checkpoint.save(to: path, step: 5, modules: ["generator": CheckpointTestNet(widths: [3, 4, 2], seed: 1)])

        let other = CheckpointTestNet(widths: [3, 5, 2, 1], seed: 2)
        let before = other.fingerprint
        let problems = mismatchProblems(file: path) {
            try Checkpoint.restore(from: path, modules: ["generator": other, "critic": CheckpointTestNet(widths: [2, 1], seed: 3)])
        }
        #expect(problems.sorted() == [
            "module 'critic' is not in the checkpoint (it holds 'generator')",
            "module 'generator': buffer 'layers.0.runningMean' has shape [4] in the checkpoint, the module expects [5]",
            "module 'generator': missing buffer 'layers.2.runningMean' of shape [1]",
            "module 'generator': missing parameter 'layers.2.bias' of shape [1]",
            "module 'generator': missing parameter 'layers.2.weight' of shape [1, 2]",
            "module 'generator': parameter 'layers.0.bias' has shape [4] in the checkpoint, the module expects [5]",
            "module 'generator': parameter 'layers.0.weight' has shape [4, 3] in the checkpoint, the module expects [5, 3]",
            "module 'generator': parameter 'layers.1.weight' has shape [2, 4] in the checkpoint, the module expects [2, 5]",
        ])
        #expect(other.fingerprint == before, "nothing is modified")
    }

    @Test func extraDatasetsInTheFileAreUnexpected() throws {
        let folder = TemporaryFolder()
        let path = folder.file("extra.h5")
        try Checkpoint.save(to: path, step: 1, modules: ["net": CheckpointTestNet(widths: [2, 3, 1], seed: 1)])
        let smaller = CheckpointTestNet(widths: [2, 3], seed: 2)
        let before = smaller.fingerprint
        let problems = mismatchProblems(file: path) { try Checkpoint.restore(from: path, modules: ["net": smaller]) }
        #expect(problems == [
            "module 'net': unexpected 'layers.1.bias' (float32 [1]) is no parameter, buffer or random state of the module",
            "module 'net': unexpected 'layers.1.runningMean' (float32 [1]) is no parameter, buffer or random state of the module",
            "module 'net': unexpected 'layers.1.weight' (float32 [1, 3]) is no parameter, buffer or random state of the module",
        ])
        #expect(smaller.fingerprint == before)
    }

    @Test func wrongElementTypesAreMismatches() throws {
        let folder = TemporaryFolder()
        let path = folder.file("types.h5")
        // A checkpoint written by another tool: float64 weights, a float32 random state.
        try HDF5File.writeAtomically(to: path) { file in
            try file.attributes.set("format", "mixedbatch-checkpoint")
            try file.attributes.set("format_version", Int64(1))
            try file.attributes.set("step", Int64(0))
            for group in ["metadata", "optimizers", "random"] { try file.createGroup(group) }
            try file.write([Double](repeating: 0.5, count: 6), shape: [3, 2], to: "modules/net/layers.0.weight")
            try file.write([Float](repeating: 0, count: 3), shape: [3], to: "modules/net/layers.0.bias")
            try file.write([Float](repeating: 0, count: 3), shape: [3], to: "modules/net/layers.0.runningMean")
            try file.write([Float(1)], shape: [], to: "modules/net/scale")
            try file.write([Float(1), 2], shape: [2], to: "modules/net/dropout")
        }
        let net = CheckpointTestNet(widths: [2, 3], seed: 1)
        let before = net.fingerprint
        let problems = mismatchProblems(file: path) { try Checkpoint.restore(from: path, modules: ["net": net]) }
        #expect(problems == [
            "module 'net': 'layers.0.weight' holds float64, the parameter needs float32",
            "module 'net': 'dropout' holds float32, the random state needs uint64",
        ])
        #expect(net.fingerprint == before)
    }

    @Test func optimizerMismatchesAreReportedWithModuleMismatchesAndRolledBack() throws {
        let folder = TemporaryFolder()
        let path = folder.file("optimizers.h5")
        let generator = CheckpointTestNet(widths: [2, 2], seed: 1)
        let critic = CheckpointTestNet(widths: [2, 1], seed: 2)
        let generatorOptimizer = try Adam(for: generator)
        let criticOptimizer = try Adam(for: critic)
        var random = RandomStream(seed: 3)
        try generatorOptimizer.step(gradients: checkpointTestGradients(for: generator, &random))
        try criticOptimizer.step(gradients: checkpointTestGradients(for: critic, &random))
        try Checkpoint.save(to: path, step: 1, modules: ["generator": generator, "critic": critic],
                            optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer])

        // The generator's optimiser fits; the critic's is an SGD with momentum, which cannot take Adam's state.
        let generator2 = CheckpointTestNet(widths: [2, 2], seed: 4)
        let critic2 = CheckpointTestNet(widths: [2, 1], seed: 5)
        let generatorOptimizer2 = try Adam(for: generator2)
        let criticOptimizer2 = try SGD(for: critic2, learningRate: 0.1, momentum: 0.9)
        let problems = mismatchProblems(file: path) {
            try Checkpoint.restore(from: path, modules: ["generator": generator2, "critic": CheckpointTestNet(widths: [3, 1], seed: 6)],
                                   optimizers: ["generator": generatorOptimizer2, "critic": criticOptimizer2, "ema": generatorOptimizer2])
        }
        #expect(problems.count == 3)
        #expect(problems.contains("optimizer 'ema' is not in the checkpoint (it holds 'critic', 'generator')"))
        #expect(problems.contains { $0.hasPrefix("optimizer 'critic': SGD.restore: key ") && $0.contains("exp_avg") })
        #expect(problems.contains("module 'critic': parameter 'layers.0.weight' has shape [1, 2] in the checkpoint, the module expects [1, 3]"))
        #expect(generatorOptimizer2.stepCount == 0, "the optimiser that fitted was rolled back")
        #expect(generatorOptimizer2.state.tensors.isEmpty)
        #expect(criticOptimizer2.stepCount == 0)
        _ = critic2
    }

    @Test func filesThatAreNoCheckpointChangeNothing() throws {
        let folder = TemporaryFolder()
        let net = CheckpointTestNet(widths: [2, 2], seed: 1)
        let before = net.fingerprint

        let missing = folder.file("missing.h5")
        #expect(throws: HDF5Error.fileNotFound(file: missing)) { try Checkpoint.restore(from: missing, modules: ["net": net]) }

        let plain = folder.file("plain.h5")
        try HDF5File.writeAtomically(to: plain) { try $0.write([Float(1)], shape: [1], to: "images") }
        let notCheckpoint = #expect(throws: CheckpointError.self) { try Checkpoint.restore(from: plain, modules: ["net": net]) }
        #expect(notCheckpoint?.description.hasPrefix("\(plain) is an HDF5 file but not a MixedBatch checkpoint (it has no 'format' attribute; it holds 'images')") == true)

        let truncated = folder.file("truncated.h5")
        try Checkpoint.save(to: truncated, step: 1, modules: ["net": CheckpointTestNet(widths: [2, 2], seed: 2)])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: truncated))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let damaged = #expect(throws: HDF5Error.self) { try Checkpoint.restore(from: truncated, modules: ["net": net]) }
        #expect(damaged?.description.contains("file \(truncated) is an HDF5 file that cannot be read (truncated") == true)

        let text = folder.file("notes.h5")
        try Data("step = 3\n".utf8).write(to: URL(fileURLWithPath: text))
        let foreign = #expect(throws: HDF5Error.self) { try Checkpoint.restore(from: text, modules: ["net": net]) }
        #expect(foreign?.description.hasPrefix("file \(text) is not an HDF5 file") == true)

        #expect(net.fingerprint == before)
    }

    @Test func newerFormatVersionIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.file("future.h5")
        try HDF5File.writeAtomically(to: path) { file in
            try file.attributes.set("format", "mixedbatch-checkpoint")
            try file.attributes.set("format_version", Int64(Checkpoint.formatVersion + 1))
        }
        #expect(throws: CheckpointError.unsupportedVersion(file: path, version: 2, supported: 1)) { try Checkpoint.inspect(path) }
    }
}
