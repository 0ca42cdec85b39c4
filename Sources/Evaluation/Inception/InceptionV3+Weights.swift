import Foundation
import NeuralNet
import TensorCore

/// Where a network's weights came from, recorded beside every number computed with them.
public struct ExtractorWeights: Sendable, Equatable, Codable {
    /// The checkpoint file read.
    public var path: String
    /// `Module.weightsHash` of the network (what the numbers were computed with).
    public var weightsHash: String
    /// The file the checkpoint was converted from and its SHA-256, when the converter recorded them.
    public var sourceFile: String?
    public var sourceSHA256: String?
    /// Whether these are the public FID weights of pytorch-fid / torch-fidelity (scores
    /// comparable with the literature's).
    public var isReference: Bool

    public init(path: String, weightsHash: String, sourceFile: String? = nil, sourceSHA256: String? = nil,
                isReference: Bool = false) {
        self.path = path
        self.weightsHash = weightsHash
        self.sourceFile = sourceFile
        self.sourceSHA256 = sourceSHA256
        self.isReference = isReference
    }
}

extension InceptionV3 {
    /// The first hex digits of the SHA-256 of pytorch-fid's `pt_inception-2015-12-05-6726825d.pth`
    /// (PyTorch Hub names a weight file by its hash prefix).
    public static let referenceSHA256Prefix = "6726825d"

    /// The network with the weights of the HDF5 checkpoint at `path`, made by
    /// `Experiments/Evaluation/convert_inception_weights.py`. Throws
    /// `EvaluationError.unusableWeights` naming the file and the problem — missing, not a
    /// checkpoint, another network, or (from the checkpoint layer) every missing, unexpected
    /// or wrongly shaped parameter.
    public static func load(from path: String) throws -> (network: InceptionV3, weights: ExtractorWeights) {
        let isPyTorchFile = path.hasSuffix(".pth") || path.hasSuffix(".pt")
        let conversion = isPyTorchFile
            ? "this is a PyTorch file; convert it first with `python3 Experiments/Evaluation/convert_inception_weights.py "
                + "\(path) \((path as NSString).deletingPathExtension).h5` "
                + "and pass the .h5 (README, \"Evaluating samples\")"
            : "convert the public weight file with `python3 Experiments/Evaluation/convert_inception_weights.py "
                + "pt_inception-2015-12-05-6726825d.pth \(path)` (README, \"Evaluating samples\")"
        guard FileManager.default.fileExists(atPath: path) else {
            throw EvaluationError.unusableWeights(path: path, detail: "no such file; \(conversion)")
        }
        let contents: CheckpointContents
        do { contents = try Checkpoint.inspect(path) } catch where isPyTorchFile {
            throw EvaluationError.unusableWeights(path: path, detail: conversion)
        } catch {
            throw EvaluationError.unusableWeights(path: path, detail: "\(error); \(conversion)")
        }
        guard contents.metadata["network"] == networkName else {
            let found = contents.metadata["network"].map { "'\($0)'" } ?? "no 'network' metadata"
            throw EvaluationError.unusableWeights(path: path, detail: "it holds \(found), not '\(networkName)' "
                + "(modules: \(contents.moduleNames.joined(separator: ", "))); \(conversion)")
        }
        let network = try InceptionV3(unloaded: ())
        do {
            try Checkpoint.restore(from: path, modules: [checkpointModule: network])
        } catch let CheckpointError.mismatch(_, problems) {
            throw EvaluationError.unusableWeights(path: path, detail: "its parameters do not fit Inception-v3 (FID variant): "
                + problems.prefix(6).joined(separator: "; ") + (problems.count > 6 ? "; and \(problems.count - 6) more" : ""))
        }
        let sha = contents.metadata["source_sha256"]
        let weights = ExtractorWeights(path: path, weightsHash: network.weightsHash,
                                       sourceFile: contents.metadata["source_file"], sourceSHA256: sha,
                                       isReference: sha?.hasPrefix(referenceSHA256Prefix) ?? false)
        return (network, weights)
    }
}
