import Datasets
import Evaluation
import ExperimentRuns
import Training
import Foundation
import Reporting
import TensorCore

/// What the image runs on the procedural data need besides the generator: the fixed training
/// set of stacked glyphs and the classifier that counts their modes and provides the features
/// of FID, KID, precision / recall and the IS analogue.
public enum GlyphAssets {
    /// How a classifier was trained and how well it does on glyphs it never saw.
    public struct ClassifierReport: Codable, Equatable, Sendable {
        public var steps: Int
        public var batchSize: Int
        public var seed: UInt64
        /// Per-glyph accuracy on `heldOutGlyphs` fresh glyphs.
        public var heldOutAccuracy: Double
        public var heldOutGlyphs: Int
        /// Accuracy of the 1,000-mode labels of the first `stackedImages` training images.
        public var stackedAccuracy: Double
        public var stackedImages: Int
        public var weightsHash: String
        public var seconds: Double
    }

    /// Writes `count` stacked glyphs of `glyphs.size` pixels, labelled with their modes, to `path`
    /// (an existing file is kept unless `overwrite`).
    public static func writeDataset(to path: String, count: Int, seed: UInt64, glyphs: ProceduralGlyphs = ProceduralGlyphs(),
                                    overwrite: Bool = false) throws -> ImageDataset {
        var random = RandomStream(seed: seed).split("glyph-dataset")
        let dataset = try glyphs.stackedDataset(count: count, random: &random)
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try dataset.write(toHDF5: path, overwrite: overwrite)
        return dataset
    }

    /// Trains a `GlyphClassifier` for `steps` Adam steps on fresh glyphs, measures it on
    /// `heldOut` fresh glyphs (another stream) and on the labelled `dataset` if given, and
    /// saves it to `path` with its report — only if the held-out accuracy reaches
    /// `requiredAccuracy` (metrics from a worse classifier would mislead), else throws.
    public static func trainClassifier(to path: String, steps: Int, seed: UInt64, glyphs: ProceduralGlyphs = ProceduralGlyphs(),
                                       heldOut: Int = 10_000, dataset: ImageDataset? = nil, requiredAccuracy: Double = 0.99,
                                       overwrite: Bool = false, onStep: ((Int) -> Void)? = nil) throws -> ClassifierReport {
        let clock = ContinuousClock(), start = clock.now
        let root = RandomStream(seed: seed)
        var initRandom = root.split("classifier-init"), trainRandom = root.split("classifier-train")
        var heldOutRandom = root.split("classifier-held-out")
        let classifier = try GlyphClassifier(imageSize: glyphs.size, random: &initRandom)
        let batchSize = 64
        try classifier.train(on: glyphs, steps: steps, batchSize: batchSize, random: &trainRandom, onStep: onStep)
        let accuracy = try classifier.accuracy(on: glyphs, count: heldOut, random: &heldOutRandom)
        var stackedAccuracy = 0.0, stackedCount = 0
        if let dataset, let labels = dataset.labels {
            stackedCount = min(dataset.count, 5_000)
            let images = try dataset.batch(Array(0..<stackedCount))
            let modes = try ImageEvaluator.analyse(images, classifier: classifier).modes
            stackedAccuracy = Double(zip(modes, labels).filter { $0 == $1 }.count) / Double(stackedCount)
        }
        let report = ClassifierReport(steps: steps, batchSize: batchSize, seed: seed, heldOutAccuracy: accuracy,
                                      heldOutGlyphs: heldOut, stackedAccuracy: stackedAccuracy, stackedImages: stackedCount,
                                      weightsHash: classifier.weightsHash, seconds: (clock.now - start).seconds)
        guard accuracy >= requiredAccuracy else {
            throw ConfigError(String(format: "the glyph classifier reached %.2f %% held-out accuracy after %d steps, below the "
                                     + "required %.0f %%; train longer (more steps)", accuracy * 100, steps, requiredAccuracy * 100))
        }
        let reportText = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        try classifier.save(to: path, metadata: ["heldout_accuracy": String(format: "%.4f", accuracy), "report": reportText],
                            overwrite: overwrite)
        return report
    }

    /// The report of the reference classifier at `path` when it was trained for `steps` steps (nil
    /// when it was not, or when there is no file); throws when it cannot be read or falls short of
    /// `requiredAccuracy`.
    static func usableReference(_ path: String, steps: Int, requiredAccuracy: Double) throws -> ClassifierReport? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let report: ClassifierReport
        do { report = try classifierReport(at: path) } catch {
            throw ConfigError("the reference glyph classifier \(path) cannot be read (\(error)); restore it "
                              + "(git checkout \(path)) or train one instead (make chapter4 TRAIN_CLASSIFIER=1)")
        }
        guard report.steps == steps else { return nil }
        guard report.heldOutAccuracy >= requiredAccuracy else {
            throw ConfigError(String(format: "the reference glyph classifier %@ has %.2f %% held-out accuracy, "
                                     + "below the %.0f %% its scores need", path, report.heldOutAccuracy * 100,
                                     requiredAccuracy * 100))
        }
        return report
    }

    /// The report saved with a classifier by `trainClassifier`.
    public static func classifierReport(at path: String) throws -> ClassifierReport {
        let (_, metadata) = try GlyphClassifier.load(from: path)
        guard let text = metadata["report"] else { throw ConfigError("\(path) has no training report; train it again") }
        return try JSONDecoder().decode(ClassifierReport.self, from: Data(text.utf8))
    }

    /// The glyph data and classifier of an image part, in `folder`/data: `glyphs-train.h5`
    /// (`trainingImages` stacked glyphs) and `glyph-classifier.h5` (`classifierSteps` steps, at
    /// least `requiredAccuracy` held out), each made on first use and reused after; the report
    /// is also written to `folder`/classifier.json. Returns the two paths and the report.
    ///
    /// With `reference` (a checkpoint of `trainClassifier` trained for `classifierSteps` steps),
    /// the classifier is a copy of it instead of a new one: the scores of every run then use the
    /// same weights whatever the build, where a classifier trained anew follows the build's
    /// summation orders into other last digits, and from there to other FIDs. A reference of
    /// another step count belongs to another scale and is not used; one that cannot be read stops
    /// the part with an error naming it.
    public static func prepare(in folder: String, trainingImages: Int, classifierSteps: Int, requiredAccuracy: Double,
                               reference: String? = nil) throws
        -> (data: String, classifier: String, report: ClassifierReport) {
        let dataPath = folder + "/data/glyphs-train.h5", classifierPath = folder + "/data/glyph-classifier.h5"
        if !FileManager.default.fileExists(atPath: dataPath) {
            let dataset = try writeDataset(to: dataPath, count: trainingImages, seed: 0)
            print("wrote \(dataPath): \(dataset.shape) stacked glyphs")
        }
        let report: ClassifierReport
        if FileManager.default.fileExists(atPath: classifierPath) {
            report = try classifierReport(at: classifierPath)
        } else if let reference, let referenceReport = try usableReference(reference, steps: classifierSteps,
                                                                             requiredAccuracy: requiredAccuracy) {
            // Whole or not at all: a folder's classifier, once there, is reused without a check.
            try AtomicFile.write(Data(contentsOf: URL(fileURLWithPath: reference)), to: classifierPath)
            report = referenceReport
            print("glyph classifier: a copy of \(reference) (weights hash \(report.weightsHash))")
        } else {
            let progress = ProgressBar(total: classifierSteps, label: "glyph classifier")
            report = try trainClassifier(to: classifierPath, steps: classifierSteps, seed: 0,
                                         dataset: ImageDataset.read(fromHDF5: dataPath),
                                         requiredAccuracy: requiredAccuracy) { _ in progress.advance() }
            progress.finish()
        }
        print(String(format: "glyph classifier: %.2f %% held-out accuracy on %d glyphs, %.2f %% of %d training images' "
                     + "1,000-mode labels", report.heldOutAccuracy * 100, report.heldOutGlyphs,
                     report.stackedAccuracy * 100, report.stackedImages))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(report), as: UTF8.self), to: folder + "/classifier.json",
                             existing: .overwrite)
        return (dataPath, classifierPath, report)
    }
}
