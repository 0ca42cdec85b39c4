import Datasets
import Evaluation
import Foundation
import TensorCore

/// Flow-GAN's Gaussian-mixture baseline (spec §5.5, Figs. 3 / 6 / 7): m isotropic Gaussians
/// of one bandwidth σ, centred on the m training images — a model that only memorises. Its
/// exact validation NLL and the MODE score of its samples are traced against σ; the σ of the
/// lowest validation NLL (the paper's line search) gives its test NLL.
///
/// Centres are the training pixels' bin centres `(p + ½) / 256`, held-out images are
/// dequantised `(p + u) / 256`, so its NLLs are nats on [0, 1)^D like the flows'.
public struct MemoriserSweep: Codable, Equatable, Sendable {
    public struct Point: Codable, Equatable, Sendable {
        public var bandwidth: Double
        /// Mean NLL of the validation images, nats per image on [0, 1)^D.
        public var validationNLL: Double
        /// The MODE score of the memoriser's samples at this bandwidth (with a classifier).
        public var modeScore: Double?
    }

    public var points: [Point]
    public var bestBandwidth: Double
    public var testNLL: Double
    public var trainingImages: Int

    /// The memoriser of `train`: one kernel on each training image's bin centres `(p + ½) / 256`.
    public static func memoriser(of train: ImageDataset) throws -> KernelDensity {
        try KernelDensity(centres: train.pixelBatch(Array(0..<train.count)).map { ($0 + 0.5) / 256 })
    }

    /// The sweep over `bandwidths`; with `classifier` and the data's label marginal, the MODE
    /// score of `samples` memoriser samples at each bandwidth.
    public static func run(train: ImageDataset, validation: ImageDataset, test: ImageDataset,
                           bandwidths: [Double] = KernelDensity.logSpacedBandwidths, classifier: GlyphClassifier? = nil,
                           dataMarginal: [Double]? = nil, samples: Int = 1_000, seed: UInt64 = 0,
                           onPoint: (() -> Void)? = nil) throws -> MemoriserSweep {
        var random = RandomStream(seed: seed).split("memoriser")
        let imageShape = Array(train.shape.dropFirst())
        let kernels = try memoriser(of: train)
        func dequantised(_ dataset: ImageDataset) throws -> Tensor {
            try (dataset.pixelBatch(Array(0..<dataset.count)) + random.uniform(dataset.shape)) * (1 / 256)
        }
        let validationDistances = try kernels.squaredDistances(to: dequantised(validation))
        var points: [Point] = []
        for sigma in bandwidths {
            let values = try kernels.logDensities(squaredDistances: validationDistances, bandwidth: sigma)
            var point = Point(bandwidth: sigma, validationNLL: -values.reduce(0, +) / Double(values.count))
            if let classifier, let dataMarginal {
                let drawn = try kernels.sample(count: samples, bandwidth: sigma, random: &random).reshaped([samples] + imageShape)
                let images = clamp(drawn * 2 - 1, min: -1, max: 1)
                point.modeScore = try modeScore(probabilities: classifier.probabilities(images), dataMarginal: dataMarginal)
            }
            points.append(point)
            onPoint?()
        }
        let best = points.min { $0.validationNLL < $1.validationNLL }!.bandwidth
        let testValues = try kernels.logDensities(of: dequantised(test), bandwidth: best)
        return MemoriserSweep(points: points, bestBandwidth: best, testNLL: -testValues.reduce(0, +) / Double(testValues.count),
                              trainingImages: train.count)
    }
}
