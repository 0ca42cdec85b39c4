import Datasets
import Foundation
import HDF5IO
import TensorCore

/// The features of one image set under one extractor: what every sample metric reads, saved
/// and loaded as HDF5 (h5py reads it: `features` float32 `[N, D]`, `mean` float64 `[D]`,
/// `covariance` float64 `[D, D]`, `probabilities` float32 `[N, K]` and `modes` int64 `[N]`
/// when the extractor gives them; attributes name the extractor, its weights and the images).
public struct SampleFeatures {
    public static let formatName = "mixedbatch-sample-features"
    /// Bumped whenever extraction changes, so cached features of an older version are not reused.
    public static let extractionVersion: Int64 = 1

    public var extractor: String
    /// The extractor's `ExtractorWeights.weightsHash`.
    public var weightsHash: String
    /// `ImageDataset.contentHash` of the images.
    public var imagesHash: String
    /// Where the images came from.
    public var source: String
    /// `[N, D]`.
    public var features: Tensor
    /// `[N, K]` or nil.
    public var probabilities: Tensor?
    /// One label per image in `0..<modeCount`, or nil.
    public var modes: [Int]?
    public var modeCount: Int?

    public var count: Int { features.shape[0] }

    public init(extractor: String, weightsHash: String, imagesHash: String, source: String, features: Tensor,
                probabilities: Tensor?, modes: [Int]?, modeCount: Int?) {
        self.extractor = extractor
        self.weightsHash = weightsHash
        self.imagesHash = imagesHash
        self.source = source
        self.features = features
        self.probabilities = probabilities
        self.modes = modes
        self.modeCount = modeCount
    }

    /// The features of the first `limit` (all by default) images of `images`, in batches of
    /// `extractor.batchSize`; `progress(done, total)` after each batch.
    public static func extract(_ images: ImageDataset, with extractor: FeatureExtractor, limit: Int? = nil,
                               progress: ((Int, Int) -> Void)? = nil) throws -> SampleFeatures {
        let total = min(limit ?? images.count, images.count)
        guard total >= 2 else {
            throw EvaluationError.invalidInput("\(images.source) holds \(images.count) images; the metrics need at least 2")
        }
        try extractor.checkGeometry(channels: images.shape[1], height: images.shape[2], width: images.shape[3])
        var features: [Tensor] = [], probabilities: [Tensor] = [], modes: [Int] = []
        var hasProbabilities = true, hasModes = true
        for start in stride(from: 0, to: total, by: extractor.batchSize) {
            let batch = try images.pixelBatch(Array(start..<min(start + extractor.batchSize, total))) / 255
            let extracted = try extractor.extract(batch)
            features.append(extracted.features)
            if let p = extracted.probabilities { probabilities.append(p) } else { hasProbabilities = false }
            if let m = extracted.modes { modes += m } else { hasModes = false }
            progress?(min(start + extractor.batchSize, total), total)
        }
        return SampleFeatures(extractor: extractor.name, weightsHash: extractor.weights.weightsHash,
                              imagesHash: images.contentHash(count: total), source: images.source,
                              features: try Tensor.concatenate(features, axis: 0),
                              probabilities: hasProbabilities ? try Tensor.concatenate(probabilities, axis: 0) : nil,
                              modes: hasModes ? modes : nil, modeCount: extractor.modeCount(channels: images.shape[1]))
    }

    /// The Gaussian statistics of FID: the mean `[D]` and the unbiased covariance `[D, D]`.
    public func statistics() throws -> (mean: [Double], covariance: [Double]) {
        let matrix = try FeatureMatrix(features, minimumRows: 2, role: "\(extractor) features of \(source)")
        return (matrix.mean, matrix.covariance)
    }

    /// Writes the features, their statistics and their provenance to `path` (atomically).
    public func save(to path: String, overwrite: Bool = false) throws {
        let (mean, covariance) = try statistics()
        let dimension = features.shape[1]
        try HDF5File.writeAtomically(to: path, overwrite: overwrite, checksummed: true) { file in
            try file.attributes.set("format", Self.formatName)
            try file.attributes.set("extraction_version", Self.extractionVersion)
            try file.attributes.set("extractor", extractor)
            try file.attributes.set("weights_hash", weightsHash)
            try file.attributes.set("images_hash", imagesHash)
            try file.attributes.set("source", source)
            if let modeCount { try file.attributes.set("mode_count", Int64(modeCount)) }
            try file.write(features.scalars, shape: features.shape, to: "features")
            try file.write(mean, shape: [dimension], to: "mean")
            try file.write(covariance, shape: [dimension, dimension], to: "covariance")
            if let probabilities { try file.write(probabilities.scalars, shape: probabilities.shape, to: "probabilities") }
            if let modes { try file.write(modes.map(Int64.init), shape: [modes.count], to: "modes") }
        }
    }

    /// Reads features written by `save(to:)`; throws naming the file when it is not such a file.
    public static func load(from path: String) throws -> SampleFeatures {
        let file = try HDF5File.open(path)
        guard (try? file.attributes.string("format")) == formatName else {
            throw EvaluationError.invalidInput("\(path) is not a sample-features file (no format '\(formatName)')")
        }
        let version = try file.attributes.value("extraction_version", as: Int64.self)
        guard version == extractionVersion else {
            throw EvaluationError.invalidInput("\(path) holds features of extraction version \(version), not "
                                               + "\(extractionVersion); delete it and extract again")
        }
        let features = try file.read("features", as: Float.self)
        let probabilities = try file.contains("probabilities") ? try file.read("probabilities", as: Float.self) : nil
        let modes = try file.contains("modes") ? try file.read("modes", as: Int64.self).values.map(Int.init) : nil
        return SampleFeatures(
            extractor: try file.attributes.string("extractor"), weightsHash: try file.attributes.string("weights_hash"),
            imagesHash: try file.attributes.string("images_hash"), source: try file.attributes.string("source"),
            features: try Tensor(shape: features.shape, scalars: features.values),
            probabilities: try probabilities.map { try Tensor(shape: $0.shape, scalars: $0.values) }, modes: modes,
            modeCount: try file.attributes.contains("mode_count") ? Int(try file.attributes.value("mode_count", as: Int64.self)) : nil)
    }
}

/// Features of real image sets kept on disk by content: a second evaluation against the same
/// real images, extractor and weights reads them instead of running the network again.
public struct FeatureCache {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// The file for these images under this extractor: `<extractor>-<weights hash>-<images hash>-<N>.h5`.
    public func path(for images: ImageDataset, count: Int, extractor: FeatureExtractor) -> String {
        "\(folder)/\(extractor.name)-\(extractor.weights.weightsHash)-\(images.contentHash(count: count))-\(count).h5"
    }

    /// The cached features, or `compute()`'s, saved for next time. The second value says
    /// whether they came from the cache.
    public func features(for images: ImageDataset, count: Int, extractor: FeatureExtractor,
                         compute: () throws -> SampleFeatures) throws -> (SampleFeatures, cached: Bool) {
        let path = path(for: images, count: count, extractor: extractor)
        if FileManager.default.fileExists(atPath: path), let cached = try? SampleFeatures.load(from: path),
           cached.weightsHash == extractor.weights.weightsHash, cached.count == count {
            return (cached, true)
        }
        let computed = try compute()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try computed.save(to: path, overwrite: true)
        return (computed, false)
    }
}

extension ImageDataset {
    /// The 64-bit FNV-1a hash of the shape and every pixel of the first `count` images (all by
    /// default): which images a number was computed on.
    public func contentHash(count: Int? = nil) -> String {
        let rows = min(count ?? self.count, self.count)
        var hash = FNV1aHash()
        for extent in [rows] + shape.dropFirst() { withUnsafeBytes(of: Int64(extent).littleEndian) { hash.combine(bytes: $0) } }
        pixels.withUnsafeBytes { hash.combine(bytes: $0.prefix(rows * shape.dropFirst().reduce(1, *))) }
        return hash.hex
    }
}
