import Foundation
import TensorCore

/// How `SampleQualityReport.compare` computes its numbers; the defaults are torch-fidelity's
/// (KID: 100 subsets of 1,000) and the IS paper's (10 splits), with precision / recall
/// (k = 3) and PRD curves (20 clusters, 10 runs, Sajjadi et al.'s) on at most 10,000 samples of
/// each set (the distance matrices grow as N²).
public struct SampleQualitySettings: Codable, Equatable, Sendable {
    public var kidSubsets = 100
    public var kidSubsetSize = 1_000
    public var inceptionScoreSplits = 10
    public var neighbours = 3
    public var precisionRecallSamples = 10_000
    /// Seeds the KID subsets.
    public var seed: UInt64 = 0

    public init() {}
}

/// A mean and standard deviation over subsets or splits.
public struct Spread: Codable, Equatable, Sendable {
    public var mean: Double
    public var standardDeviation: Double

    public init(_ values: [Double]) {
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        standardDeviation = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }
}

/// Every sample metric of a generated set against a real one, under one extractor, with what
/// it was computed from — the JSON manifest of `mixedbatch evaluate`.
public struct SampleQualityReport: Codable, Equatable, Sendable {
    public var extractor: String
    public var weights: ExtractorWeights
    public var realCount: Int
    public var generatedCount: Int
    public var realImagesHash: String
    public var generatedImagesHash: String
    public var settings: SampleQualitySettings
    /// Fréchet distance of the Gaussians fitted to the features (FID under Inception-v3).
    public var fid: Double
    /// Unbiased MMD² with the cubic polynomial kernel, over subsets (KID under Inception-v3).
    public var kid: Spread
    /// Improved precision and recall (k-NN manifolds).
    public var precision: Double
    public var recall: Double
    /// Precision–recall for distributions (Sajjadi et al. 2018) on the same samples: the curve,
    /// its area and its F₈ / F₁/₈ summaries.
    public var precisionRecallCurve: PRDCurve
    /// `exp E KL(p(y|x) ‖ p(y))` over splits, when the extractor classifies: of the generated
    /// images, and of as many real images (the score grows with the split size).
    public var inceptionScore: Spread?
    public var realInceptionScore: Spread?
    /// Modes reached by the generated images, of `modeCount`, and the KL of their histogram
    /// to uniform (nats), when the data has known modes; those of as many real images, for scale.
    public var modeCount: Int?
    public var modes: Int?
    public var modeKL: Double?
    public var realModes: Int?
    public var realModeKL: Double?

    /// The report of `generated` against `real` (same extractor and weights).
    public static func compare(real: SampleFeatures, generated: SampleFeatures, weights: ExtractorWeights,
                               settings: SampleQualitySettings = SampleQualitySettings()) throws -> SampleQualityReport {
        guard real.extractor == generated.extractor, real.weightsHash == generated.weightsHash else {
            throw EvaluationError.invalidInput("the two feature sets come from different extractors or weights "
                + "(\(real.extractor) \(real.weightsHash), \(generated.extractor) \(generated.weightsHash))")
        }
        guard real.features.shape[1] == generated.features.shape[1] else {
            throw EvaluationError.invalidInput("real features have \(real.features.shape[1]) dimensions, generated "
                                               + "\(generated.features.shape[1])")
        }
        let (realMean, realCovariance) = try real.statistics()
        let (generatedMean, generatedCovariance) = try generated.statistics()
        let fid = try frechetDistance(mean1: realMean, covariance1: realCovariance, mean2: generatedMean,
                                      covariance2: generatedCovariance)
        var random = RandomStream(seed: settings.seed)
        let kid = try kernelDistanceSubsets(real.features, generated.features, settings: settings, random: &random)
        let prCount = settings.precisionRecallSamples
        let (realRows, generatedRows) = try (firstRows(real.features, prCount), firstRows(generated.features, prCount))
        let pr = try precisionRecall(real: realRows, generated: generatedRows, neighbours: settings.neighbours)
        let curve = try precisionRecallDistributions(real: realRows, generated: generatedRows,
                                                     clusters: min(20, realRows.shape[0] + generatedRows.shape[0]), random: random.split("prd"))
        // The real images' IS and mode count on as many images as were generated: both grow with the sample size.
        let realModes = real.modes.map { stackedModeCoverage(modes: Array($0.prefix(generated.count)), total: real.modeCount ?? 1) }
        let generatedModes = generated.modes.map { stackedModeCoverage(modes: $0, total: generated.modeCount ?? 1) }
        return SampleQualityReport(
            extractor: real.extractor, weights: weights, realCount: real.count, generatedCount: generated.count,
            realImagesHash: real.imagesHash, generatedImagesHash: generated.imagesHash, settings: settings,
            fid: fid, kid: kid, precision: pr.precision, recall: pr.recall, precisionRecallCurve: curve,
            inceptionScore: try generated.probabilities.map { try inceptionScoreSplits($0, splits: settings.inceptionScoreSplits) },
            realInceptionScore: try real.probabilities.map {
                try inceptionScoreSplits(firstRows($0, generated.count), splits: settings.inceptionScoreSplits)
            },
            modeCount: generated.modes == nil ? nil : generated.modeCount, modes: generatedModes?.covered,
            modeKL: generatedModes?.reverseKL, realModes: realModes?.covered, realModeKL: realModes?.reverseKL)
    }
}

/// KID over `subsets` random subsets of `min(subsetSize, m, n)` rows of each set, drawn
/// without replacement within a subset: the mean and standard deviation of the estimates.
public func kernelDistanceSubsets(_ real: Tensor, _ generated: Tensor, settings: SampleQualitySettings,
                                  random: inout RandomStream) throws -> Spread {
    let size = min(settings.kidSubsetSize, real.shape[0], generated.shape[0])
    guard settings.kidSubsets >= 1, size >= 2 else {
        throw EvaluationError.invalidInput("KID needs at least one subset of at least 2 samples per set "
                                           + "(subsets \(settings.kidSubsets), size \(size))")
    }
    let estimates = try (0..<settings.kidSubsets).map { _ in
        try kernelDistance(real: real.indexSelect(Array(random.permutation(real.shape[0]).prefix(size)), axis: 0),
                           generated: generated.indexSelect(Array(random.permutation(generated.shape[0]).prefix(size)), axis: 0))
    }
    return Spread(estimates)
}

/// The Inception Score of each of `splits` consecutive splits of `probabilities [N, K]`.
public func inceptionScoreSplits(_ probabilities: Tensor, splits: Int) throws -> Spread {
    let (n, k) = (probabilities.shape[0], probabilities.shape[1])
    guard splits >= 1, n >= splits else {
        throw EvaluationError.invalidInput("the Inception Score over \(splits) splits needs at least \(splits) samples, got \(n)")
    }
    let values = probabilities.scalars.map(Double.init)
    let scores = try (0..<splits).map { split -> Double in
        let range = (split * n / splits)..<((split + 1) * n / splits)
        // Renormalise each row in Float64: the softmax's Float rows sum to 1 only within ~1e-7.
        let rows = range.map { row -> [Double] in
            let r = Array(values[(row * k)..<((row + 1) * k)])
            let total = r.reduce(0, +)
            return r.map { $0 / total }
        }
        return try inceptionScore(probabilities: rows)
    }
    return Spread(scores)
}

/// The first `count` rows of `matrix [N, D]` (all when N ≤ count).
func firstRows(_ matrix: Tensor, _ count: Int) throws -> Tensor {
    matrix.shape[0] <= count ? matrix : try matrix.narrowed(axis: 0, start: 0, length: count)
}
