import Evaluation
import Foundation
import HDF5IO
import TensorCore
import Testing

/// The Python interpreter with torch, torchvision, pytorch-fid and h5py (`make setup` makes
/// `.venv-reference`; `MIXEDBATCH_REFERENCE_PYTHON` overrides it).
enum ReferencePython {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let interpreter = ProcessInfo.processInfo.environment["MIXEDBATCH_REFERENCE_PYTHON"]
        ?? root + "/.venv-reference/bin/python"

    /// Whether the interpreter imports everything the reference scripts need.
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: interpreter) else { return false }
        return (try? run([root + "/Experiments/Evaluation/inception_reference.py", "--check"])) != nil
    }()

    static let skipReason: Comment = """
        the PyTorch reference is not installed: run `make setup` (it makes .venv-reference with torch, torchvision, \
        pytorch-fid and h5py) or set MIXEDBATCH_REFERENCE_PYTHON
        """

    /// Runs the interpreter with `arguments`; throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EvaluationError.invalidInput("\(interpreter) \(arguments.joined(separator: " ")) failed:\n\(output)")
        }
        return output
    }
}

@Suite(.serialized) struct InceptionReferenceTests {
    /// pytorch-fid's FID Inception-v3 with seeded random weights, exported by the conversion
    /// script, against ours on the same images: the resized inputs, the pooled features and both
    /// kinds of logits.
    @Test(.enabled(if: ReferencePython.available, ReferencePython.skipReason))
    func ourInceptionEqualsPytorchFIDWithTheSameRandomWeights() throws {
        let folder = NSTemporaryDirectory() + "inception-reference-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ReferencePython.run([ReferencePython.root + "/Experiments/Evaluation/inception_reference.py", folder])
        let (network, weights) = try InceptionV3.load(from: folder + "/weights.h5")
        #expect(!weights.isReference)
        #expect(weights.sourceFile == "random-inception.pth")

        let reference = try HDF5File.open(folder + "/reference.h5")
        for geometry in ["small", "large"] {
            let images = try reference.read("\(geometry)/images", as: UInt8.self)
            let input = try Tensor(shape: images.shape, scalars: images.values.map { Float($0) / 255 })

            // The resizing step: pytorch-fid's F.interpolate, to float rounding.
            let resized = try resizeBilinear(input, height: 299, width: 299)
            let expectedResized = try reference.read("\(geometry)/resized", as: Float.self)
            #expect(resized.shape == expectedResized.shape)
            #expect(maximumDifference(resized.scalars, expectedResized.values) < 1e-6)

            let outputs = try network(input)
            for (name, ours) in [("features", outputs.features), ("logits", outputs.logits),
                                 ("unbiased_logits", outputs.unbiasedLogits)] {
                let expected = try reference.read("\(geometry)/\(name)", as: Float.self)
                #expect(ours.shape == expected.shape, "\(geometry) \(name)")
                let scale = expected.values.map(abs).max() ?? 1
                let error = maximumDifference(ours.scalars, expected.values) / scale
                // The images differ from each other by far more than the tolerance, so a
                // wrong block cannot pass.
                #expect(error < 1e-4, "\(geometry) \(name): relative error \(error)")
            }
        }
    }

    func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }
}
