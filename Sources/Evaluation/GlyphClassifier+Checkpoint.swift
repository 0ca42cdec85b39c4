import Foundation
import NeuralNet
import TensorCore

extension GlyphClassifier {
    /// Writes the weights, the image size and `metadata` (e.g. the held-out accuracy) as a
    /// checkpoint; an existing file is kept unless `overwrite`.
    public func save(to path: String, metadata: [String: String] = [:], overwrite: Bool = false) throws {
        try Checkpoint.save(to: path, step: 0, modules: modules,
                            metadata: metadata.merging(["image_size": "\(imageSize)", "weights_hash": weightsHash]) { $1 },
                            overwrite: overwrite)
    }

    /// A classifier saved by `save(to:)`, with its metadata. A missing file names the command
    /// that makes one.
    public static func load(from path: String) throws -> (classifier: GlyphClassifier, metadata: [String: String]) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EvaluationError.missingClassifier(path: path)
        }
        let contents = try Checkpoint.inspect(path)
        guard let size = contents.metadata["image_size"].flatMap(Int.init) else {
            throw EvaluationError.missingClassifier(path: path + " (not a glyph-classifier checkpoint: no 'image_size')")
        }
        var random = RandomStream(seed: 0)
        let classifier = try GlyphClassifier(imageSize: size, random: &random)
        try Checkpoint.restore(from: path, modules: classifier.modules)
        return (classifier, contents.metadata)
    }
}
