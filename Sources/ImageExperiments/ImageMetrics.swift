import Datasets
import Evaluation
import ExperimentRuns
import Training
import Foundation
import Reporting
import TensorCore

/// The metrics of one set of generated images against real ones (issue 6). Those computed in
/// the glyph classifier's feature space are nil when the run has no classifier.
public struct ImageMetrics: RunMetrics {
    public static var runKind: String { "an image run" }

    /// Modes covered of `modesTotal` (1,000 stacked-glyph modes) and KL(mode histogram ‖ uniform), nats.
    public var modes: Int?
    public var modesTotal: Int?
    public var reverseKL: Double?
    /// Fréchet and kernel (KID, unbiased) distances, precision and recall (k = 3) in the
    /// classifier's 192 penultimate features, divided by the real features' spread (the root
    /// of their mean per-feature variance) so that FID is in units of it; the IS analogue over
    /// the 1,000 modes.
    public var fid: Double?
    public var kid: Double?
    public var precision: Double?
    public var recall: Double?
    public var inceptionScore: Double?
    /// Inception-v3's IS (mean and std over 10 splits) and FID against as many real images,
    /// when the run has `inception_weights`.
    public var inceptionV3Score: Double?
    public var inceptionV3ScoreStd: Double?
    public var inceptionV3FID: Double?
    /// Distance between the azimuthally averaged power spectra (FFTW) of real and generated images.
    public var spectralDistance: Double
    /// Generated and real images used.
    public var samples: Int
    /// The singular values of ∂G/∂z with `jacobian_points` (k = d generators only).
    public var jacobian: GeneratorJacobian.Spectrum?

    public init(modes: Int? = nil, modesTotal: Int? = nil, reverseKL: Double? = nil, fid: Double? = nil, kid: Double? = nil,
                precision: Double? = nil, recall: Double? = nil, inceptionScore: Double? = nil, spectralDistance: Double,
                samples: Int) {
        self.modes = modes
        self.modesTotal = modesTotal
        self.reverseKL = reverseKL
        self.fid = fid
        self.kid = kid
        self.precision = precision
        self.recall = recall
        self.inceptionScore = inceptionScore
        self.spectralDistance = spectralDistance
        self.samples = samples
    }
}

/// A point of the Fig. 4.6 curves: the IS analogue and FID after `iteration` generator updates.
public struct MetricCurvePoint: Codable, Equatable, Sendable {
    public var iteration: Int
    public var inceptionScore: Double
    public var fid: Double

    public init(iteration: Int, inceptionScore: Double, fid: Double) {
        self.iteration = iteration
        self.inceptionScore = inceptionScore
        self.fid = fid
    }
}

/// Evaluates generated images against a fixed set of real ones: the real side (features,
/// their Gaussian statistics, the images for the spectra) is computed once.
public final class ImageEvaluator {
    public let classifier: GlyphClassifier?
    /// Inception-v3 and the real images' features in it, when the run has `inception_weights`.
    let inception: (extractor: InceptionFeatureExtractor, real: SampleFeatures)?
    /// Held-out accuracy and weights hash of the classifier, from its checkpoint.
    public let classifierMetadata: [String: String]
    let realImages: Tensor
    /// Real features, already divided by `featureScale`.
    let realFeatures: Tensor?
    /// The root of the real features' mean per-feature variance.
    let featureScale: Float
    let realStatistics: (mean: [Double], covariance: [Double])?

    /// Uses the first `realCount` images of `dataset`; `classifierPath` may be nil (spectral
    /// distance only); with `inceptionWeights`, Inception's IS and FID too (the real features
    /// read from or written to `featureCache`).
    public init(dataset: ImageDataset, realCount: Int, classifierPath: String?, inceptionWeights: String? = nil,
                featureCache: String = "results/.feature-cache") throws {
        guard realCount <= dataset.count else {
            throw ConfigError("evaluation_samples = \(realCount) exceeds the \(dataset.count) images of the data; lower it")
        }
        realImages = try dataset.batch(Array(0..<realCount))
        inception = try inceptionWeights.map { path in
            let extractor = try InceptionFeatureExtractor(weightsAt: path)
            let (real, _) = try FeatureCache(folder: featureCache).features(for: dataset, count: realCount, extractor: extractor) {
                try SampleFeatures.extract(dataset, with: extractor, limit: realCount)
            }
            return (extractor, real)
        }
        if let classifierPath {
            let (classifier, metadata) = try GlyphClassifier.load(from: classifierPath)
            guard dataset.shape[1] == 3, dataset.shape[2] == classifier.imageSize, dataset.shape[3] == classifier.imageSize else {
                throw ConfigError("the classifier \(classifierPath) reads stacked glyphs [N, 3, \(classifier.imageSize), "
                                  + "\(classifier.imageSize)], but the data are \(dataset.shape); drop 'classifier' for this data")
            }
            self.classifier = classifier
            classifierMetadata = metadata
            let raw = try FeatureMatrix(Self.analyse(realImages, classifier: classifier).features, minimumRows: 2,
                                        role: "real features")
            let dimension = raw.dimension, rawCovariance = raw.covariance
            let spread = ((0..<dimension).reduce(0) { $0 + rawCovariance[$1 * dimension + $1] } / Double(dimension)).squareRoot()
            let scale = Float(spread > 0 ? spread : 1)
            featureScale = scale
            let features = try Tensor(shape: [raw.rows, dimension], scalars: raw.values.map { Float($0) / scale })
            // The statistics of the scaled features as stored, computed once for every FID of the run.
            let matrix = try FeatureMatrix(features, minimumRows: 2, role: "real features")
            realFeatures = features
            realStatistics = (matrix.mean, matrix.covariance)
        } else {
            classifier = nil
            classifierMetadata = [:]
            featureScale = 1
            realFeatures = nil
            realStatistics = nil
        }
    }

    /// Every metric of `generated [N, C, H, W]`.
    public func metrics(of generated: Tensor) throws -> ImageMetrics {
        var result = ImageMetrics(spectralDistance: try spectralDistance(real: realImages, generated: generated),
                                  samples: generated.shape[0])
        if let (extractor, real) = inception {
            let images = try ImageDataset(images: generated, source: "generated")
            let features = try SampleFeatures.extract(images, with: extractor)
            let (realMean, realCovariance) = try real.statistics(), (mean, covariance) = try features.statistics()
            result.inceptionV3FID = try frechetDistance(mean1: realMean, covariance1: realCovariance, mean2: mean, covariance2: covariance)
            if let probabilities = features.probabilities {
                let score = try inceptionScoreSplits(probabilities, splits: min(10, features.count))
                (result.inceptionV3Score, result.inceptionV3ScoreStd) = (score.mean, score.standardDeviation)
            }
        }
        guard let classifier, let realFeatures else { return result }
        let analysis = try Self.analyse(generated, classifier: classifier)
        let coverage = stackedModeCoverage(modes: analysis.modes)
        let features = analysis.features * (1 / featureScale)
        let pr = try precisionRecall(real: realFeatures, generated: features)
        result.modes = coverage.covered
        result.modesTotal = 1000
        result.reverseKL = coverage.reverseKL
        result.fid = try fid(of: features)
        result.kid = try kernelDistance(real: realFeatures, generated: features)
        result.precision = pr.precision
        result.recall = pr.recall
        result.inceptionScore = try analysis.inceptionScoreAnalogue()
        return result
    }

    /// The IS analogue and FID of `generated` (for the curves), or nil without a classifier.
    public func curvePoint(of generated: Tensor, iteration: Int) throws -> MetricCurvePoint? {
        guard let classifier, realStatistics != nil else { return nil }
        let analysis = try Self.analyse(generated, classifier: classifier)
        return MetricCurvePoint(iteration: iteration, inceptionScore: try analysis.inceptionScoreAnalogue(),
                                fid: try fid(of: analysis.features * (1 / featureScale)))
    }

    /// The Fréchet distance of scaled generated features `[N, 192]` to the cached real statistics.
    private func fid(of features: Tensor) throws -> Double {
        guard let realStatistics else { throw ConfigError("no feature extractor: FID needs a classifier") }
        let matrix = try FeatureMatrix(features, minimumRows: 2, role: "generated features")
        return try frechetDistance(mean1: realStatistics.mean, covariance1: realStatistics.covariance,
                                   mean2: matrix.mean, covariance2: matrix.covariance)
    }

    /// The evaluation protocol, for manifests: sample counts, feature extractor and its weights.
    public var evaluationProtocol: [String: JSONValue] {
        var result: [String: JSONValue] = [
            "real_samples": .number(Double(realImages.shape[0])),
            "spectral_distance": "RMS difference of the log azimuthal power spectra (FFTW), real vs generated",
        ]
        if classifier != nil {
            result["feature_extractor"] = "GlyphClassifier penultimate features (64 per channel, 192 in all), divided by the real features' spread"
            result["feature_scale"] = .number(Double(featureScale))
            result["feature_extractor_weights_hash"] = .string(classifierMetadata["weights_hash"] ?? "unknown")
            result["feature_extractor_heldout_accuracy"] = .string(classifierMetadata["heldout_accuracy"] ?? "unknown")
            result["modes"] = "argmax class of each channel → 100·r + 10·g + b, of 1,000"
            result["inception_score"] = "IS over the 1,000 modes, p(y|x) the product of the channels' softmaxes"
            result["precision_recall"] = "improved precision/recall, k = 3 nearest neighbours"
        }
        if let (extractor, _) = inception {
            result["inception_v3"] = .string("FID and IS (10 splits, logits without the fc bias) in pytorch-fid's Inception-v3, "
                                             + "images resized bilinearly to 299×299")
            result["inception_v3_weights"] = .string(extractor.weights.path)
            result["inception_v3_parameter_hash"] = .string(extractor.weights.weightsHash)
            result["inception_v3_source_sha256"] = .string(extractor.weights.sourceSHA256 ?? "unknown")
        }
        return result
    }

    /// The classifier's analysis of `images`, computed in chunks.
    static func analyse(_ images: Tensor, classifier: GlyphClassifier) throws -> GlyphClassifier.StackedAnalysis {
        let parts = try chunks(of: images).map { try classifier.analyse(stacked: $0) }
        guard parts.count > 1 else { return parts[0] }
        return GlyphClassifier.StackedAnalysis(
            features: try Tensor.concatenate(parts.map(\.features), axis: 0),
            channelProbabilities: (0..<3).map { channel in parts.flatMap { $0.channelProbabilities[channel] } })
    }
}

/// `images` in pieces of at most `size` rows (bounds the classifier's working memory).
func chunks(of images: Tensor, size: Int = 500) throws -> [Tensor] {
    let count = images.shape[0]
    guard count > size else { return [images] }
    let sizes = stride(from: 0, to: count, by: size).map { min(size, count - $0) }
    return try images.split(sizes: sizes, axis: 0)
}
