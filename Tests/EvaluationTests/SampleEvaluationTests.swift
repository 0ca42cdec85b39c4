import Datasets
import Evaluation
import Foundation
import NeuralNet
import TensorCore
import Testing

/// The metrics of `mixedbatch evaluate` against closed forms and SciPy, the image readers, the
/// saved features and the refusals of unusable weights.
@Suite struct SampleEvaluationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"

    static func gaussian(_ n: Int, mean: [Float], std: [Float], seed: UInt64) -> Tensor {
        var random = RandomStream(seed: seed)
        let noise = random.normal([n, mean.count]).scalars
        return try! Tensor(shape: [n, mean.count], scalars: noise.indices.map { noise[$0] * std[$0 % mean.count] + mean[$0 % mean.count] })
    }

    static func features(_ matrix: Tensor, probabilities: Tensor? = nil, modes: [Int]? = nil) -> SampleFeatures {
        SampleFeatures(extractor: "test", weightsHash: "0", imagesHash: "0", source: "test", features: matrix,
                       probabilities: probabilities, modes: modes, modeCount: modes == nil ? nil : 4)
    }

    static let quickSettings: SampleQualitySettings = {
        var settings = SampleQualitySettings()
        settings.kidSubsets = 2
        settings.precisionRecallSamples = 500
        return settings
    }()

    static let weights = ExtractorWeights(path: "none", weightsHash: "0", sourceFile: nil, sourceSHA256: nil, isReference: false)

    /// pytorch-fid's `calculate_frechet_distance` (SciPy's `sqrtm`) on the committed fixture
    /// of Experiments/Evaluation/make_fixtures.py, read through our `.npz` reader.
    @Test func frechetDistanceEqualsSciPysToOneMillionth() throws {
        let path = Self.fixtures + "/fid-scipy.npz"
        let real = try NumPyArray.read(path, member: "real"), generated = try NumPyArray.read(path, member: "generated")
        let expected = try NumPyArray.read(path, member: "fid").doubleValues()[0]
        let realMatrix = try FeatureMatrix(Tensor(shape: real.shape, scalars: real.doubleValues().map(Float.init)))
        // The fixture is float64; read it at full precision rather than through a Float tensor.
        let ours = try frechetDistance(mean1: mean(real), covariance1: covariance(real),
                                       mean2: mean(generated), covariance2: covariance(generated))
        #expect(abs(ours - expected) / expected < 1e-6, "ours \(ours), SciPy \(expected)")
        #expect(realMatrix.rows == 300)
    }

    func mean(_ a: NumPyArray) -> [Double] {
        let (n, d, v) = (a.shape[0], a.shape[1], a.doubleValues())
        return (0..<d).map { j in (0..<n).map { v[$0 * d + j] }.reduce(0, +) / Double(n) }
    }

    func covariance(_ a: NumPyArray) -> [Double] {
        let (n, d, v) = (a.shape[0], a.shape[1], a.doubleValues())
        let m = mean(a)
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0..<d {
                c[i * d + j] = (0..<n).map { (v[$0 * d + i] - m[i]) * (v[$0 * d + j] - m[j]) }.reduce(0, +) / Double(n - 1)
            }
        }
        return c
    }

    @Test func aSetAgainstItselfScoresPerfectly() throws {
        let x = Self.gaussian(400, mean: [0, 1, 2, 3], std: [1, 2, 1, 0.5], seed: 3)
        let report = try SampleQualityReport.compare(real: Self.features(x), generated: Self.features(x), weights: Self.weights,
                                                     settings: Self.quickSettings)
        #expect(abs(report.fid) < 1e-8)
        #expect(report.precision == 1 && report.recall == 1)
        #expect(report.precisionRecallCurve.area > 0.99 && report.precisionRecallCurve.recallScore > 0.99)
    }

    /// KID is unbiased: two samples of one distribution score 0 within three standard errors,
    /// far below a shifted distribution's score.
    @Test func kernelDistanceOfOneDistributionIsZeroWithinItsError() throws {
        var settings = SampleQualitySettings()
        settings.kidSubsets = 20
        settings.kidSubsetSize = 300
        var random = RandomStream(seed: 4)
        let x = Self.gaussian(1_000, mean: [0, 0, 0, 0], std: [1, 1, 1, 1], seed: 1)
        let same = try kernelDistanceSubsets(x, Self.gaussian(1_000, mean: [0, 0, 0, 0], std: [1, 1, 1, 1], seed: 2),
                                             settings: settings, random: &random)
        let shifted = try kernelDistanceSubsets(x, Self.gaussian(1_000, mean: [1, 0, 0, 0], std: [1, 1, 1, 1], seed: 2),
                                                settings: settings, random: &random)
        #expect(abs(same.mean) < 3 * same.standardDeviation / Double(20).squareRoot(), "\(same)")
        #expect(shifted.mean > 20 * abs(same.mean))
    }

    /// FID between two diagonal Gaussians: ‖μ₁ − μ₂‖² + Σ (σ₁ − σ₂)², from 20,000 samples each.
    @Test func frechetDistanceOfGaussianSamplesApproachesTheClosedForm() throws {
        let (m1, s1, m2, s2): ([Float], [Float], [Float], [Float]) = ([0, 0, 1], [1, 2, 1], [1, 0, 0], [2, 1, 1])
        let report = try SampleQualityReport.compare(
            real: Self.features(Self.gaussian(20_000, mean: m1, std: s1, seed: 1)),
            generated: Self.features(Self.gaussian(20_000, mean: m2, std: s2, seed: 2)), weights: Self.weights,
            settings: Self.quickSettings)
        let expected = zip(m1, m2).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
            + zip(s1, s2).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
        #expect(abs(report.fid - expected) < 0.05 * expected, "FID \(report.fid), closed form \(expected)")
    }

    /// KID's expectation for independent diagonal Gaussians in closed form: with
    /// `k(x, y) = (u/d + 1)³`, `u = xᵀy` a sum of independent products, E k follows from the
    /// first three cumulants of u; MMD² = E k(x, x′) + E k(y, y′) − 2 E k(x, y).
    @Test func kernelDistanceOfGaussianSamplesApproachesTheClosedForm() throws {
        let (m1, s1, m2, s2): ([Double], [Double], [Double], [Double]) = ([0.5, 0, 1], [1, 0.5, 1], [0, 1, 0.5], [0.5, 1, 1])
        func expectedKernel(_ a: [Double], _ sa: [Double], _ b: [Double], _ sb: [Double]) -> Double {
            let d = Double(a.count)
            var (k1, k2, k3) = (0.0, 0.0, 0.0)
            for i in a.indices {  // z = x_i·y_i, x_i ~ N(a, sa²), y_i ~ N(b, sb²) independent
                let e1 = a[i] * b[i]
                let e2 = (a[i] * a[i] + sa[i] * sa[i]) * (b[i] * b[i] + sb[i] * sb[i])
                let e3 = (pow(a[i], 3) + 3 * a[i] * sa[i] * sa[i]) * (pow(b[i], 3) + 3 * b[i] * sb[i] * sb[i])
                k1 += e1
                k2 += e2 - e1 * e1
                k3 += e3 - 3 * e2 * e1 + 2 * pow(e1, 3)
            }
            let (u1, u2, u3) = (k1, k2 + k1 * k1, k3 + 3 * k2 * k1 + pow(k1, 3))  // raw moments of u
            return u3 / pow(d, 3) + 3 * u2 / (d * d) + 3 * u1 / d + 1
        }
        let expected = expectedKernel(m1, s1, m1, s1) + expectedKernel(m2, s2, m2, s2) - 2 * expectedKernel(m1, s1, m2, s2)
        var settings = SampleQualitySettings()
        settings.kidSubsets = 10
        settings.kidSubsetSize = 2_000
        var random = RandomStream(seed: 9)
        let kid = try kernelDistanceSubsets(Self.gaussian(4_000, mean: m1.map(Float.init), std: s1.map(Float.init), seed: 4),
                                            Self.gaussian(4_000, mean: m2.map(Float.init), std: s2.map(Float.init), seed: 5),
                                            settings: settings, random: &random)
        #expect(expected > 0.3)
        #expect(abs(kid.mean - expected) < 0.05 * expected, "KID \(kid.mean) ± \(kid.standardDeviation), closed form \(expected)")
    }

    /// IS splits: confident, evenly spread classes score K; one class everywhere scores 1.
    @Test func inceptionScoreSplitsByHand() throws {
        var oneHot = [Float](repeating: 0, count: 32)
        for row in 0..<8 { oneHot[row * 4 + row % 4] = 1 }
        let confident = try Tensor(shape: [8, 4], scalars: oneHot)
        let spread = try inceptionScoreSplits(confident, splits: 2)
        #expect(abs(spread.mean - 4) < 1e-9 && spread.standardDeviation < 1e-9)
        let constant = try Tensor(shape: [6, 3], scalars: [Float](repeating: 1.0 / 3, count: 18))
        #expect(abs(try inceptionScoreSplits(constant, splits: 3).mean - 1) < 1e-6)
        #expect(throws: EvaluationError.self) { try inceptionScoreSplits(constant, splits: 7) }
    }

    @Test func featuresSurviveSavingAndLoading() throws {
        let path = NSTemporaryDirectory() + "features-\(UUID().uuidString).h5"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = Self.features(Self.gaussian(10, mean: [1, 2], std: [1, 1], seed: 1),
                                     probabilities: try Tensor(shape: [10, 2], scalars: [Float](repeating: 0.5, count: 20)),
                                     modes: Array(repeating: 3, count: 10))
        try original.save(to: path)
        let loaded = try SampleFeatures.load(from: path)
        #expect(loaded.features.scalars == original.features.scalars && loaded.features.shape == [10, 2])
        #expect(loaded.probabilities?.scalars == original.probabilities?.scalars)
        #expect(loaded.modes == original.modes && loaded.modeCount == 4 && loaded.extractor == "test")
        #expect(throws: (any Error).self) { try original.save(to: path) }  // never overwritten silently
    }

    /// The glyph classifier as an extractor: stacked images get 1,000 modes; the second
    /// extraction of the same real images comes from the cache.
    @Test func classifierExtractorAndTheFeatureCache() throws {
        let folder = NSTemporaryDirectory() + "cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var random = RandomStream(seed: 1)
        let classifier = try GlyphClassifier(imageSize: 16, random: &random)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try classifier.save(to: folder + "/classifier.h5")
        let extractor = try ClassifierFeatureExtractor(name: "glyphs", checkpoint: folder + "/classifier.h5")
        let images = try ImageDataset(shape: [6, 3, 16, 16], pixels: (0..<(6 * 3 * 256)).map { UInt8($0 * 7 % 256) }, source: "test")
        let cache = FeatureCache(folder: folder + "/cache")
        var computed = 0
        let (first, cachedFirst) = try cache.features(for: images, count: 6, extractor: extractor) {
            computed += 1
            return try SampleFeatures.extract(images, with: extractor)
        }
        let (second, cachedSecond) = try cache.features(for: images, count: 6, extractor: extractor) {
            computed += 1
            return try SampleFeatures.extract(images, with: extractor)
        }
        #expect(!cachedFirst && cachedSecond && computed == 1)
        #expect(second.features.scalars == first.features.scalars && first.features.shape == [6, 192])
        #expect(first.modeCount == 1_000 && first.modes!.allSatisfy { (0..<1_000).contains($0) })
        #expect(first.probabilities!.shape == [6, 1_000])
        let wrongSize = try ImageDataset(shape: [2, 3, 8, 8], pixels: [UInt8](repeating: 0, count: 384), source: "small")
        #expect(throws: EvaluationError.self) { try SampleFeatures.extract(wrongSize, with: extractor) }
    }

    // MARK: - Image readers

    @Test func readsNumPyImagesInEitherLayout() throws {
        let nhwc = try ImageDataset.readImages(from: Self.fixtures + "/images-nhwc.npy")
        #expect(nhwc.shape == [2, 3, 5, 4])
        // pixel (n, y, x, c) = 100n + 10y + x + c, now at NCHW index ((n·3 + c)·5 + y)·4 + x.
        let index: Int = ((1 * 3 + 2) * 5 + 1) * 4 + 3
        #expect(nhwc.pixels[index] == UInt8(115))
        #expect(throws: DatasetError.self) { try ImageDataset.readImages(from: Self.fixtures + "/images-nhwc.npy", layout: .nchw) }
        let floats = try ImageDataset.readImages(from: Self.fixtures + "/images-float.npz", array: "samples")
        #expect(floats.shape == [2, 1, 2, 2])
        #expect(floats.pixels == (0..<8).map { UInt8((Double($0) / 7 * 255).rounded()) })
        #expect(throws: DatasetError.self) { try ImageDataset.readImages(from: Self.fixtures + "/images-float.npz") }
    }

    @Test func refusesFloatImagesOutsideTheUnitInterval() throws {
        let path = NSTemporaryDirectory() + "signed-\(UUID().uuidString).npy"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 255), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        for value: Float in [-1, -0.5, 0.5, 1] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try NumPyArray.read(path).doubleValues() == [-1, -0.5, 0.5, 1])
        do {
            _ = try ImageDataset.readImages(from: path)
            Issue.record("signed floats were accepted")
        } catch {
            #expect("\(error)".contains("(x + 1) / 2"))
        }
        try Data(bytes.dropLast(3)).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.self) { try NumPyArray.read(path) }  // truncated
    }

    // MARK: - Inception weights

    @Test func refusesMissingForeignAndMismatchedInceptionWeights() throws {
        let folder = NSTemporaryDirectory() + "weights-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func message(_ path: String) -> String {
            do { _ = try InceptionV3.load(from: path); return "" } catch { return "\(error)" }
        }
        #expect(message(folder + "/absent.h5").contains("convert_inception_weights.py"))

        var random = RandomStream(seed: 0)
        let layer = try Linear(inputFeatures: 2, outputFeatures: 3, random: &random)
        try Checkpoint.save(to: folder + "/other.h5", step: 0, modules: ["generator": layer])
        let foreign = message(folder + "/other.h5")
        #expect(foreign.contains("other.h5") && foreign.contains("inception-v3-fid"))

        try Checkpoint.save(to: folder + "/wrong.h5", step: 0, modules: [InceptionV3.checkpointModule: layer],
                            metadata: ["network": InceptionV3.networkName])
        let mismatched = message(folder + "/wrong.h5")
        #expect(mismatched.contains("wrong.h5") && mismatched.contains("do not fit") && mismatched.contains("Conv2d_1a_3x3"))
    }
}
