import Datasets
import NeuralNet
import TensorCore

/// A network that turns images into the features the sample metrics compare: FID, KID and
/// precision / recall on `features`, IS on `probabilities`, mode counts on `modes`.
///
/// Images come in as `[N, C, H, W]` in [0, 1] (8-bit pixels / 255); each extractor says which
/// geometries it reads. `mixedbatch evaluate --extractor NAME` picks one by `name`.
public protocol FeatureExtractor: AnyObject {
    /// The command-line name: `inception-v3`, `glyphs`, `digits`.
    var name: String { get }
    /// Where the weights came from and their hash, recorded beside every number.
    var weights: ExtractorWeights { get }
    /// The images one forward pass takes (memory and speed on a 2-core machine).
    var batchSize: Int { get }
    /// Throws, naming the problem, unless images `[_, channels, height, width]` can be read.
    func checkGeometry(channels: Int, height: Int, width: Int) throws
    /// How many modes images with `channels` channels have (glyphs: 10 per channel, so 1,000
    /// for stacked RGB), or nil when the extractor knows none.
    func modeCount(channels: Int) -> Int?
    /// The features `[N, D]`, class probabilities `[N, K]` (nil without a classifier) and
    /// mode labels (when `modeCount` is not nil) of `images [N, C, H, W]` in [0, 1].
    func extract(_ images: Tensor) throws -> ExtractedBatch
}

/// What a feature extractor gives for one batch of `N` images.
public struct ExtractedBatch {
    /// `[N, D]`.
    public var features: Tensor
    /// `[N, K]`, rows summing to 1, or nil.
    public var probabilities: Tensor?
    /// One label in `0..<modeCount` per image, or nil.
    public var modes: [Int]?

    public init(features: Tensor, probabilities: Tensor?, modes: [Int]?) {
        self.features = features
        self.probabilities = probabilities
        self.modes = modes
    }
}

/// Inception-v3 (FID variant) as a feature extractor: the 2,048 pooled features, the softmax
/// of the logits without the fc bias (IS, as the original code), no modes. Any image size;
/// 1 or 3 channels.
public final class InceptionFeatureExtractor: FeatureExtractor {
    public let network: InceptionV3
    public let weights: ExtractorWeights
    public var name: String { "inception-v3" }
    public var batchSize: Int { 50 }

    /// The network with the converted weights at `path` (`InceptionV3.load(from:)`).
    public init(weightsAt path: String) throws {
        (network, weights) = try InceptionV3.load(from: path)
    }

    public func checkGeometry(channels: Int, height: Int, width: Int) throws {
        guard channels == 1 || channels == 3 else {
            throw EvaluationError.invalidInput("Inception-v3 reads grey or RGB images; these have \(channels) channels")
        }
    }

    public func modeCount(channels: Int) -> Int? { nil }

    public func extract(_ images: Tensor) throws -> ExtractedBatch {
        let outputs = try withoutGradient { try network(images) }
        return ExtractedBatch(features: outputs.features, probabilities: try softmax(outputs.unbiasedLogits, alongAxis: 1),
                              modes: nil)
    }
}

/// A `GlyphClassifier` checkpoint as a feature extractor: `glyphs` (the procedural glyphs of
/// chapter 4; stacked RGB images have 1,000 modes) or `digits` (chapter 5's real-digit
/// classifier; 10 modes). Grey images give the 64 penultimate features and 10 class
/// probabilities; stacked RGB images each channel's features, concatenated (192), and the
/// 1,000-way product of the channels' probabilities.
public final class ClassifierFeatureExtractor: FeatureExtractor {
    public let classifier: GlyphClassifier
    public let name: String
    public let weights: ExtractorWeights
    public var batchSize: Int { 500 }

    public init(name: String, checkpoint path: String) throws {
        classifier = try GlyphClassifier.load(from: path).classifier
        self.name = name
        weights = ExtractorWeights(path: path, weightsHash: classifier.weightsHash, sourceFile: nil, sourceSHA256: nil,
                                   isReference: false)
    }

    public func checkGeometry(channels: Int, height: Int, width: Int) throws {
        guard channels == 1 || channels == 3, height == classifier.imageSize, width == classifier.imageSize else {
            throw EvaluationError.invalidInput("the \(name) classifier (\(weights.path)) reads [1 or 3, \(classifier.imageSize), "
                                               + "\(classifier.imageSize)] images; these are [\(channels), \(height), \(width)]")
        }
    }

    public func modeCount(channels: Int) -> Int? { channels == 3 ? 1_000 : 10 }

    public func extract(_ images: Tensor) throws -> ExtractedBatch {
        try checkGeometry(channels: images.shape[1], height: images.shape[2], width: images.shape[3])
        let planes = images.detached * 2 - 1
        if images.shape[1] == 1 {
            let (features, probabilities) = try withoutGradient {
                let features = try classifier.features(planes)
                return (features, try softmax(classifier.head(features), alongAxis: 1))
            }
            return ExtractedBatch(features: features, probabilities: probabilities,
                                  modes: try probabilities.argExtremum(alongAxis: 1, >).map { $0 % 10 })
        }
        let analysis = try classifier.analyse(stacked: planes)
        let joint = try analysis.jointProbabilities()
        return ExtractedBatch(features: analysis.features,
                              probabilities: try Tensor(shape: [images.shape[0], 1_000], scalars: joint.flatMap { $0.map(Float.init) }),
                              modes: analysis.modes)
    }
}
