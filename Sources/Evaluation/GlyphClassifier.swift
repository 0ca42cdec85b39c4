import Datasets
import Foundation
import NeuralNet
import TensorCore

/// A small CNN trained on the procedural glyphs of `ProceduralGlyphs` or on labelled real
/// digits (MNIST-5k), the project's own feature extractor for image metrics on that data
/// (issue 6; chapter 5 and Flow-GAN's MODE score on digits): on glyphs it classifies each channel
/// of a stacked sample into one of 10 glyphs, which counts the 1,000 modes, and its penultimate
/// features (per channel, concatenated) stand in for Inception's in FID, KID and precision /
/// recall on stacked glyphs.
///
/// Network: conv 3×3 (1→16), conv 4×4/2 (16→32), conv 4×4/2 (32→64), ReLU after each, then a
/// dense layer to 64 features, ReLU, and a dense layer to 10 logits. Inputs `[N, 1, H, W]` in
/// [−1, 1] with H = W = the glyphs' size (divisible by 4).
public final class GlyphClassifier {
    public let features: Sequential
    public let head: Linear
    public let imageSize: Int

    public init(imageSize: Int = 32, random: inout RandomStream) throws {
        guard imageSize % 4 == 0, imageSize >= 8 else {
            throw TensorError.invalidArgument(operation: "GlyphClassifier", detail: "image size \(imageSize) must be a multiple of 4, ≥ 8")
        }
        self.imageSize = imageSize
        let reduced = imageSize / 4
        features = try Sequential {
            try Conv2D(inputChannels: 1, outputChannels: 16, kernelSize: 3, padding: 1, random: &random)
            ReLU()
            try Conv2D(inputChannels: 16, outputChannels: 32, kernelSize: 4, stride: 2, padding: 1, random: &random)
            ReLU()
            try Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 4, stride: 2, padding: 1, random: &random)
            ReLU()
            Flatten()
            try Linear(inputFeatures: 64 * reduced * reduced, outputFeatures: 64, random: &random)
            ReLU()
        }
        head = try Linear(inputFeatures: 64, outputFeatures: 10, random: &random)
    }

    /// The modules, for checkpoints (`["features": …, "head": …]`).
    public var modules: [String: Module] { ["features": features, "head": head] }

    /// Trains on fresh glyphs for `steps` Adam steps (lr 10⁻³) of `batchSize`, minimising the
    /// cross-entropy; returns the mean loss of the last 50 steps.
    @discardableResult
    public func train(on glyphs: ProceduralGlyphs, steps: Int, batchSize: Int = 64,
                      random: inout RandomStream, onStep: ((Int) -> Void)? = nil) throws -> Float {
        try train(steps: steps, random: &random, onStep: onStep) { random in try batch(glyphs, count: batchSize, random: &random) }
    }

    /// Trains on random batches of a labelled single-channel dataset (the real digits of
    /// MNIST-5k: the feature extractor of chapter 5's sample metrics and Flow-GAN's MODE
    /// score); the same loop as for glyphs. Returns the mean loss of the last 50 steps.
    @discardableResult
    public func train(on dataset: ImageDataset, steps: Int, batchSize: Int = 64,
                      random: inout RandomStream, onStep: ((Int) -> Void)? = nil) throws -> Float {
        let labels = try Self.labels(of: dataset, imageSize: imageSize)
        return try train(steps: steps, random: &random, onStep: onStep) { random in
            let indices = (0..<batchSize).map { _ in random.integer(in: 0..<dataset.count) }
            return (try dataset.batch(indices), indices.map { labels[$0] })
        }
    }

    /// The fraction of a labelled single-channel dataset's images classified correctly.
    public func accuracy(on dataset: ImageDataset) throws -> Double {
        let labels = try Self.labels(of: dataset, imageSize: imageSize)
        var correct = 0
        for start in stride(from: 0, to: dataset.count, by: 500) {
            let indices = Array(start..<min(start + 500, dataset.count))
            correct += zip(try classify(dataset.batch(indices)), indices.map { labels[$0] }).filter { $0 == $1 }.count
        }
        return Double(correct) / Double(dataset.count)
    }

    /// Class probabilities `p(y | x)` of single-channel images `[N, 1, H, W]` in [−1, 1], one row each.
    public func probabilities(_ planes: Tensor) throws -> [[Double]] {
        guard planes.rank == 4, planes.shape[1] == 1, planes.shape[2] == imageSize, planes.shape[3] == imageSize else {
            throw TensorError.invalidShape(operation: "GlyphClassifier", shape: planes.shape,
                                           expected: "images [N, 1, \(imageSize), \(imageSize)]")
        }
        let flat = try withoutGradient { try softmax(head(features(planes)), alongAxis: 1).scalars.map(Double.init) }
        return (0..<planes.shape[0]).map { Array(flat[($0 * 10)..<($0 * 10 + 10)]) }
    }

    private static func labels(of dataset: ImageDataset, imageSize: Int) throws -> [Int] {
        guard let labels = dataset.labels, labels.allSatisfy({ (0..<10).contains($0) }) else {
            throw EvaluationError.invalidInput("\(dataset.source) has no labels 0–9; the classifier trains on labelled digits "
                                               + "(`mixedbatch data mnist5k` writes them)")
        }
        guard Array(dataset.shape.dropFirst()) == [1, imageSize, imageSize] else {
            throw EvaluationError.invalidInput("\(dataset.source) holds \(Array(dataset.shape.dropFirst())) images; this "
                                               + "classifier takes [1, \(imageSize), \(imageSize)]")
        }
        return labels
    }

    /// `steps` Adam steps (lr 10⁻³) on the cross-entropy of the batches `next` draws.
    private func train(steps: Int, random: inout RandomStream, onStep: ((Int) -> Void)?,
                       next: (inout RandomStream) throws -> (Tensor, [Int])) throws -> Float {
        let parameters = Sequential([features, head])
        let adam = try Adam(for: parameters, learningRate: 1e-3)
        var recent: [Float] = []
        for step in 1...max(steps, 1) {
            let (planes, classes) = try next(&random)
            let count = classes.count
            let (loss, gradients) = try valueAndGradient(of: parameters) {
                let logProbabilities = try logSoftmax(head(features(planes)), alongAxis: 1)
                let picked = try logProbabilities.gatherFlat(indices: classes.enumerated().map { $0.offset * 10 + $0.element },
                                                             shape: [count])
                return -picked.mean()
            }
            try adam.step(gradients: gradients)
            recent = Array((recent + [loss.scalar]).suffix(50))
            onStep?(step)
        }
        return recent.reduce(0, +) / Float(recent.count)
    }

    /// Classes 0–9 of `planes [N, 1, H, W]`.
    public func classify(_ planes: Tensor) throws -> [Int] {
        let logits = try withoutGradient { try head(features(planes)) }
        return try logits.argExtremum(alongAxis: 1, >).map { $0 % 10 }
    }

    /// The fraction of `count` fresh glyphs classified correctly.
    public func accuracy(on glyphs: ProceduralGlyphs, count: Int, random: inout RandomStream) throws -> Double {
        let (planes, classes) = try batch(glyphs, count: count, random: &random)
        return Double(zip(try classify(planes), classes).filter { $0 == $1 }.count) / Double(count)
    }

    /// What one pass of the classifier over stacked images `[N, 3, H, W]` gives.
    public struct StackedAnalysis {
        /// Penultimate features of each channel, concatenated: `[N, 192]`.
        public var features: Tensor
        /// Class probabilities of each channel (red, green, blue), `N × 10` row-major each.
        public var channelProbabilities: [[Double]]

        public init(features: Tensor, channelProbabilities: [[Double]]) {
            self.features = features
            self.channelProbabilities = channelProbabilities
        }

        /// The modes `100·c_red + 10·c_green + c_blue` (each channel's most likely glyph).
        public var modes: [Int] {
            let count = channelProbabilities[0].count / 10
            let classes = channelProbabilities.map { probabilities in
                (0..<count).map { row in (0..<10).max { probabilities[row * 10 + $0] < probabilities[row * 10 + $1] }! }
            }
            return (0..<count).map { 100 * classes[0][$0] + 10 * classes[1][$0] + classes[2][$0] }
        }

        /// The Inception-Score analogue over the 1,000 stacked modes: the score of
        /// `p(y | x) = p(y_red | x_red) p(y_green | x_green) p(y_blue | x_blue)` (channels
        /// classified independently). At most 1,000.
        public func inceptionScoreAnalogue() throws -> Double {
            try inceptionScore(probabilities: jointProbabilities())
        }

        /// `p(y | x)` over the 1,000 stacked modes, one row per image (the channels classified
        /// independently).
        public func jointProbabilities() throws -> [[Double]] {
            let p = channelProbabilities
            return (0..<p[0].count / 10).map { index -> [Double] in
                var joint = [Double](repeating: 0, count: 1000)
                for a in 0..<10 {
                    for b in 0..<10 {
                        let ab = p[0][index * 10 + a] * p[1][index * 10 + b]
                        for c in 0..<10 { joint[100 * a + 10 * b + c] = ab * p[2][index * 10 + c] }
                    }
                }
                let total = joint.reduce(0, +)
                return joint.map { $0 / total }
            }
        }
    }

    /// Features, class probabilities and modes of stacked images `[N, 3, H, W]` in one pass.
    public func analyse(stacked images: Tensor) throws -> StackedAnalysis {
        try withoutGradient {
            var features: [Tensor] = [], probabilities: [[Double]] = []
            for plane in try channels(of: images) {
                let planeFeatures = try self.features(plane)
                features.append(planeFeatures)
                probabilities.append(try softmax(head(planeFeatures), alongAxis: 1).scalars.map(Double.init))
            }
            return StackedAnalysis(features: try Tensor.concatenate(features, axis: 1), channelProbabilities: probabilities)
        }
    }

    /// The modes `100·c_red + 10·c_green + c_blue` of stacked images `[N, 3, H, W]`.
    public func modes(ofStacked images: Tensor) throws -> [Int] {
        try analyse(stacked: images).modes
    }

    /// The Inception-Score analogue of stacked images (`StackedAnalysis.inceptionScoreAnalogue`).
    public func inceptionScoreAnalogue(ofStacked images: Tensor) throws -> Double {
        try analyse(stacked: images).inceptionScoreAnalogue()
    }

    /// Penultimate features of each channel, concatenated: `[N, 3, H, W] -> [N, 192]`.
    public func features(ofStacked images: Tensor) throws -> Tensor {
        try analyse(stacked: images).features
    }

    /// A 64-bit FNV-1a hash of every parameter's bytes (`Module.weightsHash`), recorded next to
    /// metrics computed with this classifier (which weights produced a number).
    public var weightsHash: String { Module.weightsHash(of: [features, head]) }

    private func channels(of images: Tensor) throws -> [Tensor] {
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] == imageSize, images.shape[3] == imageSize else {
            throw TensorError.invalidShape(operation: "GlyphClassifier", shape: images.shape,
                                           expected: "stacked images [N, 3, \(imageSize), \(imageSize)]")
        }
        return try images.split(sizes: [1, 1, 1], axis: 1)
    }

    private func batch(_ glyphs: ProceduralGlyphs, count: Int, random: inout RandomStream) throws -> (Tensor, [Int]) {
        let (pixels, classes) = try glyphs.glyphs(count: count, random: &random)
        let planes = try Tensor(shape: [count, 1, glyphs.size, glyphs.size], scalars: pixels.map { $0 * 2 - 1 })
        return (planes, classes)
    }
}

/// Mode coverage of stacked samples: how many of the `total` modes occur among `modes`, and
/// the KL of their histogram to uniform (nats; `ln(total/m)` for an even cover of m modes).
public func stackedModeCoverage(modes: [Int], total: Int = 1000) -> (covered: Int, reverseKL: Double) {
    var counts = [Int](repeating: 0, count: total)
    for mode in modes where (0..<total).contains(mode) { counts[mode] += 1 }
    return (counts.filter { $0 > 0 }.count, klFromUniform(counts: counts))
}
