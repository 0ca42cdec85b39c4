import Foundation
import HDF5IO
import SystemLimits
import TensorCore

/// An image dataset in memory: 8-bit images `[N, C, H, W]` (NCHW, like PyTorch) and optional
/// integer labels. Stored on disk as HDF5 — `images` (uint8 `[N, C, H, W]`), `labels` (int64
/// `[N]`, when present) and a `source` attribute — which every image experiment reads:
///
/// ```python
/// f = h5py.File("data/cifar10-train.h5"); f["images"].shape   # (50000, 3, 32, 32)
/// ```
public struct ImageDataset: Equatable, Sendable {
    /// `[N, C, H, W]`: count, channels, height, width.
    public let shape: [Int]
    /// The pixels, row-major NCHW.
    public let pixels: [UInt8]
    /// One label per image, or nil.
    public let labels: [Int]?
    /// Where the images came from (`"CIFAR-10 data_batch_1.bin …"`), for manifests.
    public let source: String
    /// How many intensity levels the pixels take, 0…levels − 1: 256 for 8-bit images, 17 for
    /// scikit-learn's digits. Stored as the HDF5 attribute `levels`; files without it are 8-bit.
    public let levels: Int

    public var count: Int { shape[0] }

    public init(shape: [Int], pixels: [UInt8], labels: [Int]? = nil, source: String, levels: Int = 256) throws {
        guard shape.count == 4, shape.allSatisfy({ $0 >= 0 }), shape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "shape",
                                                detail: "must be [N, C, H, W] with positive C, H, W, got \(shape)")
        }
        guard pixels.count == shape.reduce(1, *) else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "pixels",
                                                detail: "\(pixels.count) values do not fill \(shape)")
        }
        if let labels, labels.count != shape[0] {
            throw DatasetError.invalidParameter(dataset: source, parameter: "labels",
                                                detail: "\(labels.count) labels for \(shape[0]) images")
        }
        guard (2...256).contains(levels) else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "levels", detail: "\(levels) is not in 2…256")
        }
        self.shape = shape
        self.pixels = pixels
        self.labels = labels
        self.source = source
        self.levels = levels
    }

    /// The images at `indices` as floats in [−1, 1] (`2·p/255 − 1`, the generators' tanh
    /// range): `[indices.count, C, H, W]`.
    public func batch(_ indices: [Int]) throws -> Tensor {
        try gathered(indices) { Float($0) / 127.5 - 1 }
    }

    /// The images at `indices` as their pixel values 0…levels − 1 in floats (what density
    /// models dequantise or score): `[indices.count, C, H, W]`.
    public func pixelBatch(_ indices: [Int]) throws -> Tensor {
        try gathered(indices) { Float($0) }
    }

    /// The images at `indices`, each pixel mapped by `value`.
    @inline(__always)
    private func gathered(_ indices: [Int], _ value: (UInt8) -> Float) throws -> Tensor {
        let size = shape[1] * shape[2] * shape[3]
        guard let bad = indices.first(where: { !(0..<count).contains($0) }) else {
            return Tensor(shape: [indices.count] + Array(shape.dropFirst())) { out, _ in
                for (row, index) in indices.enumerated() {
                    for i in 0..<size { out[row * size + i] = value(pixels[index * size + i]) }
                }
            }
        }
        throw DatasetError.invalidParameter(dataset: source, parameter: "index", detail: "\(bad) is outside 0..<\(count)")
    }

    /// Writes the dataset to `path` atomically (an existing file is kept unless `overwrite`).
    public func write(toHDF5 path: String, overwrite: Bool = false) throws {
        try HDF5File.writeAtomically(to: path, overwrite: overwrite) { file in
            try file.write(pixels, shape: shape, to: "images")
            if let labels { try file.write(labels.map(Int64.init), shape: [labels.count], to: "labels") }
            try file.attributes.set("source", source)
            try file.attributes.set("layout", "NCHW uint8")
            try file.attributes.set("levels", Int64(levels))
        }
    }

    /// Reads a dataset written by `write(toHDF5:)`. A missing file gives an error that says
    /// how to make it (`mixedbatch data glyphs` or `mixedbatch data convert`).
    public static func read(fromHDF5 path: String) throws -> ImageDataset {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError.missingFile(path: path, remedy: "make it with `mixedbatch data glyphs` (the procedural glyphs) or "
                                                + "`mixedbatch data convert` from CIFAR-10 or STL-10 binaries or a folder of "
                                                + "PNG/JPEG images (see README, Datasets)")
        }
        let file = try HDF5File.open(path)
        let images = try file.read("images", as: UInt8.self)
        let labels = try file.contains("labels") ? try file.read("labels", as: Int64.self).values.map(Int.init) : nil
        let source = (try? file.attributes.string("source")) ?? path
        let levels = try file.attributes.contains("levels") ? Int(try file.attributes.value("levels", as: Int64.self)) : 256
        return try ImageDataset(shape: images.shape, pixels: images.values, labels: labels, source: source, levels: levels)
    }
}

extension ImageDataset {
    /// Images `[N, C, H, W]` in [−1, 1] (values outside are clipped) quantised to 8 bits,
    /// `p = round((x + 1)·127.5)`, the inverse of `batch(_:)` up to rounding.
    public init(images: Tensor, labels: [Int]? = nil, source: String) throws {
        let pixels = images.scalars.map { UInt8(((Swift.min(1, Swift.max(-1, $0)) + 1) * 127.5).rounded()) }
        try self.init(shape: images.shape, pixels: pixels, labels: labels, source: source)
    }

    /// Throws unless `count` images of `size × size` pixels, `bytesPerPixel` bytes each
    /// (3 for RGB bytes; more where float copies are made on the way), fit in memory.
    static func checkFitsInMemory(count: Int, size: Int, bytesPerPixel: Int, source: String) throws {
        let bytes = Double(count) * Double(size) * Double(size) * Double(bytesPerPixel)
        guard MemoryLimit.allows(bytes) else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "size",
                                                detail: "\(count) images of \(size) × \(size) pixels would need "
                                                    + "\(MemoryLimit.gibibytes(bytes)), \(MemoryLimit.phrase); choose a smaller size")
        }
    }

    /// A training batch of `count` images `[count, C, H, W]` in [−1, 1], drawn uniformly with
    /// replacement, with their labels when the dataset has them.
    public func sampleBatch(count: Int, random: inout RandomStream) throws -> Batch {
        guard self.count > 0 else {
            throw DatasetError.invalidParameter(dataset: source, parameter: "images", detail: "the dataset is empty")
        }
        let indices = (0..<count).map { _ in random.integer(in: 0..<self.count) }
        return try Batch(inputs: batch(indices), labels: labels.map { labels in indices.map { labels[$0] } })
    }
}
