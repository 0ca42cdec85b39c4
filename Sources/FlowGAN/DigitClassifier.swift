import Datasets
import Evaluation
import ExperimentRuns
import Foundation
import TensorCore
import Training

/// The classifier behind chapter 5's sample metrics on real digits (spec §5.5: Flow-GAN's MNIST
/// classifier is unspecified, A6.0d): the project's small CNN (`GlyphClassifier`) trained on
/// the labelled training digits, its accuracy measured on the held-out test digits, refused
/// below a required accuracy.
public enum DigitClassifier {
    public struct Report: Codable, Equatable, Sendable {
        public var steps: Int
        public var batchSize: Int
        public var seed: UInt64
        public var trainingImages: Int
        public var heldOutImages: Int
        public var heldOutAccuracy: Double
        public var weightsHash: String
        public var seconds: Double
    }

    /// Trains, checks and saves the classifier at `path` (with its report in the metadata).
    public static func train(to path: String, train: ImageDataset, heldOut: ImageDataset, steps: Int, seed: UInt64 = 0,
                             requiredAccuracy: Double = 0.95, onStep: ((Int) -> Void)? = nil) throws -> Report {
        let clock = ContinuousClock(), start = clock.now
        let root = RandomStream(seed: seed)
        var initRandom = root.split("classifier-init"), trainRandom = root.split("classifier-train")
        let classifier = try GlyphClassifier(imageSize: train.shape[2], random: &initRandom)
        let batchSize = 64
        try classifier.train(on: train, steps: steps, batchSize: batchSize, random: &trainRandom, onStep: onStep)
        let accuracy = try classifier.accuracy(on: heldOut)
        let report = Report(steps: steps, batchSize: batchSize, seed: seed, trainingImages: train.count, heldOutImages: heldOut.count,
                            heldOutAccuracy: accuracy, weightsHash: classifier.weightsHash, seconds: (clock.now - start).seconds)
        guard accuracy >= requiredAccuracy else {
            throw ConfigError(String(format: "the digit classifier reached %.2f %% accuracy on the %d held-out digits after %d "
                                     + "steps, below the required %.0f %%; train it longer", accuracy * 100, heldOut.count, steps,
                                     requiredAccuracy * 100))
        }
        let text = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        try classifier.save(to: path, metadata: ["report": text], overwrite: true)
        return report
    }

    /// The report saved with a classifier by `train(to:…)`.
    public static func report(at path: String) throws -> Report {
        let (_, metadata) = try GlyphClassifier.load(from: path)
        guard let text = metadata["report"], let report = try? JSONDecoder().decode(Report.self, from: Data(text.utf8)) else {
            throw ConfigError("\(path) has no digit-classifier report; delete it and run again to retrain it")
        }
        return report
    }
}
