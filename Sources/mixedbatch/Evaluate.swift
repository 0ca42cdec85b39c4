import ArgumentParser
import AtomicFiles
import Datasets
import Evaluation
import Foundation
import Reporting
import Training

/// `mixedbatch evaluate`: FID, KID, precision / recall, PRD, IS and mode counts of any generator's
/// samples against real images, in the features of Inception-v3 or a built-in classifier.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score generated images against real ones: FID, KID, precision / recall, PRD, IS, modes.",
        discussion: """
        Each set is an HDF5 file (uint8 `images` [N, C, H, W], as this project writes them), a folder of \
        PNG/JPEG files of one size, or a NumPy .npy / .npz array (uint8, or float in [0, 1]; [N, H, W], \
        [N, C, H, W] or [N, H, W, C]).
        Extractors: inception-v3 (--weights: the converted FID weights, see README "Evaluating samples"), \
        glyphs (--weights: `mixedbatch data glyph-classifier`'s checkpoint), digits (--weights: chapter 5's \
        results/chapter5/data/digit-classifier.h5).
        The real set's features are cached by content in --cache; a second call reads them. --real may \
        also name such a features file (HDF5 with features, mean and covariance, e.g. shared by a colleague).
        Example: mixedbatch evaluate --real data/cifar10-train.h5 --generated samples.npz \\
          --weights data/inception-v3-fid.h5 --output results/eval.json
        """)

    @Option(help: "The real images (.h5, a folder of PNG/JPEG, .npy or .npz), or a saved features file of them.")
    var real: String

    @Option(help: "The generated images, in any of the same forms.")
    var generated: String

    @Option(help: "The feature extractor: inception-v3, glyphs or digits.")
    var extractor: String = "inception-v3"

    @Option(help: "The extractor's weights (an HDF5 checkpoint).")
    var weights: String?

    @Option(help: "At most this many images of each set (default: all).")
    var samples: Int?

    @Option(help: "The axis order of NumPy arrays: auto, nchw or nhwc.")
    var layout: String = "auto"

    @Option(help: "The array to read from .npz archives with several.")
    var array: String?

    @Option(name: .customLong("kid-subsets"), help: "KID: the number of subsets.")
    var kidSubsets = 100

    @Option(name: .customLong("kid-subset-size"), help: "KID: the samples per subset.")
    var kidSubsetSize = 1_000

    @Option(name: .customLong("pr-samples"), help: "Precision / recall: at most this many samples of each set.")
    var precisionRecallSamples = 10_000

    @Option(help: "The folder of cached real-set features.")
    var cache: String = "results/.feature-cache"

    @Option(help: "A new JSON file for the report (never overwritten).")
    var output: String?

    func run() throws {
        if let output, FileManager.default.fileExists(atPath: output) {
            throw ConfigError("\(output) exists; choose a new file (evaluations never overwrite)")
        }
        guard let layout = ImageLayout(rawValue: layout) else {
            throw ConfigError("--layout \(self.layout) is not one of auto, nchw, nhwc")
        }
        try requireSetting((samples ?? 2) >= 2 && kidSubsets >= 1 && kidSubsetSize >= 2 && precisionRecallSamples >= 4,
                           "--samples and --kid-subset-size must be ≥ 2, --kid-subsets ≥ 1, --pr-samples ≥ 4")
        let network = try makeExtractor()
        let generatedImages = try ImageDataset.readImages(from: generated, layout: layout, array: array)
        printWeights(network.weights, extractor: network.name)
        let realFeatures = try realSetFeatures(network, layout: layout, generatedShape: generatedImages.shape)
        let generatedCount = min(samples ?? generatedImages.count, generatedImages.count)
        let generatedFeatures = try extract(generatedImages, count: generatedCount, with: network, label: "generated")

        var settings = SampleQualitySettings()
        settings.kidSubsets = kidSubsets
        settings.kidSubsetSize = kidSubsetSize
        settings.precisionRecallSamples = precisionRecallSamples
        let report = try SampleQualityReport.compare(real: realFeatures, generated: generatedFeatures, weights: network.weights,
                                                     settings: settings)
        print(Self.table(report))
        if let output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            var manifest = try JSONSerialization.jsonObject(with: encoder.encode(report)) as! [String: Any]
            manifest["real"] = real
            manifest["generated"] = generated
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try AtomicFileWriter.write(to: output, overwrite: false) { try data.write(to: URL(fileURLWithPath: $0)) }
            print("wrote \(output)")
        }
    }

    /// The real set's features: read from a saved features file (`SampleFeatures.save`, e.g. a
    /// cache file), which must come from this extractor and weights, or extracted from the
    /// images (through the cache).
    private func realSetFeatures(_ network: FeatureExtractor, layout: ImageLayout, generatedShape: [Int]) throws -> SampleFeatures {
        if let saved = try? SampleFeatures.load(from: real) {
            guard saved.extractor == network.name, saved.weightsHash == network.weights.weightsHash else {
                throw ConfigError("\(real) holds features of \(saved.extractor) with weights \(saved.weightsHash); this evaluation "
                                  + "uses \(network.name) with weights \(network.weights.weightsHash): pass the real images instead")
            }
            print("real features: read from \(real) (\(saved.count) images of \(saved.source))")
            return saved
        }
        let realImages = try ImageDataset.readImages(from: real, layout: layout, array: array)
        guard realImages.shape[1] == generatedShape[1] else {
            throw ConfigError("the real images have \(realImages.shape[1]) channels, the generated \(generatedShape[1]); "
                              + "compare like with like (grey against grey, RGB against RGB)")
        }
        if network.name != "inception-v3", realImages.shape.suffix(2) != generatedShape.suffix(2) {
            throw ConfigError("the real images are \(realImages.shape.suffix(2).map(String.init).joined(separator: "×")), the "
                              + "generated \(generatedShape.suffix(2).map(String.init).joined(separator: "×")); the "
                              + "\(network.name) classifier reads one size")
        }
        let realCount = min(samples ?? realImages.count, realImages.count)
        let (features, cached) = try FeatureCache(folder: cache).features(for: realImages, count: realCount, extractor: network) {
            try extract(realImages, count: realCount, with: network, label: "real")
        }
        if cached { print("real features: read from the cache (\(cache))") }
        return features
    }

    private func makeExtractor() throws -> FeatureExtractor {
        let defaults = ["inception-v3": "data/inception-v3-fid.h5", "glyphs": "results/chapter4/images/data/glyph-classifier.h5",
                        "digits": "results/chapter5/data/digit-classifier.h5"]
        guard let fallback = defaults[extractor] else {
            throw ConfigError("--extractor \(extractor) is not one of inception-v3, glyphs, digits")
        }
        let path = weights ?? fallback
        switch extractor {
        case "inception-v3": return try InceptionFeatureExtractor(weightsAt: path)
        default:
            guard FileManager.default.fileExists(atPath: path) else {
                let remedy = extractor == "glyphs" ? "train it with `mixedbatch data glyph-classifier --output \(path)`"
                    : "`make chapter5` trains it (results/chapter5/data/digit-classifier.h5)"
                throw ConfigError("no \(extractor) classifier at \(path); \(remedy), or name one with --weights")
            }
            return try ClassifierFeatureExtractor(name: extractor, checkpoint: path)
        }
    }

    private func extract(_ images: ImageDataset, count: Int, with network: FeatureExtractor, label: String) throws -> SampleFeatures {
        let bar = ProgressBar(total: count, label: "\(label) features")
        defer { bar.finish() }
        return try SampleFeatures.extract(images, with: network, limit: count) { done, _ in bar.advance(by: done - bar.completed) }
    }

    private func printWeights(_ weights: ExtractorWeights, extractor: String) {
        var line = "extractor \(extractor): weights \(weights.path) (parameters FNV-1a \(weights.weightsHash)"
        if let file = weights.sourceFile, let sha = weights.sourceSHA256 { line += "; converted from \(file), SHA-256 \(sha)" }
        print(line + ")")
        if extractor == "inception-v3", !weights.isReference {
            print("note: these are not pytorch-fid's FID weights (SHA-256 \(InceptionV3.referenceSHA256Prefix)…); the scores "
                  + "are not comparable with published FID and IS")
        }
    }

    /// The report as aligned text lines.
    static func table(_ r: SampleQualityReport) -> String {
        var lines = ["\(r.generatedCount) generated vs \(r.realCount) real images, \(r.extractor) features (weights \(r.weights.weightsHash))"]
        lines.append(String(format: "  FID                 %10.4f", r.fid))
        lines.append(String(format: "  KID                 %10.6f ± %.6f  (%d subsets of %d)", r.kid.mean, r.kid.standardDeviation,
                            r.settings.kidSubsets, min(r.settings.kidSubsetSize, r.realCount, r.generatedCount)))
        lines.append(String(format: "  precision / recall  %10.4f / %.4f  (k = %d, ≤ %d samples each)", r.precision, r.recall,
                            r.settings.neighbours, r.settings.precisionRecallSamples))
        let curve = r.precisionRecallCurve
        lines.append(String(format: "  PRD F8 / F1/8       %10.4f / %.4f  (AUC %.4f; 20 clusters, 10 runs)", curve.recallScore,
                            curve.precisionScore, curve.area))
        if let score = r.inceptionScore, let realScore = r.realInceptionScore {
            lines.append(String(format: "  IS                  %10.4f ± %.4f  (real images: %.4f ± %.4f; %d splits)", score.mean,
                                score.standardDeviation, realScore.mean, realScore.standardDeviation, r.settings.inceptionScoreSplits))
        }
        if let modes = r.modes, let total = r.modeCount, let kl = r.modeKL {
            lines.append(String(format: "  modes               %10d of %d, KL to uniform %.4f nats", modes, total, kl)
                         + (r.realModes.map { " (real images: \($0), KL \(String(format: "%.4f", r.realModeKL ?? .nan)))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
