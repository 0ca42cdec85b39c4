import CZlib
import Foundation
import SystemLimits

/// MNIST's IDX files as researchers download them (LeCun et al. 1998):
/// `train-images-idx3-ubyte` and `train-labels-idx1-ubyte` (60,000 digits) or the `t10k-`
/// pair (10,000), each optionally gzip-compressed (`.gz`, inflated with zlib). An IDX file is
/// a big-endian header — two zero bytes, the element type (0x08: unsigned byte), the number
/// of dimensions, then each dimension as a 32-bit integer — followed by the values row-major.
public enum IDXReader {
    public enum MNISTSplit: String, CaseIterable, Sendable {
        case train, test
        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// The MNIST split in `folder` as `[N, 1, 28, 28]` with labels; each file is looked for
    /// uncompressed, then with `.gz`.
    public static func mnist(folder: String, split: MNISTSplit = .train) throws -> ImageDataset {
        let images = try read(file(folder, "\(split.prefix)-images-idx3-ubyte"))
        let labels = try read(file(folder, "\(split.prefix)-labels-idx1-ubyte"))
        guard images.shape.count == 3, labels.shape.count == 1, images.shape[0] == labels.shape[0] else {
            throw DatasetError.corruptFile(path: folder, detail: "the images \(images.shape) and labels \(labels.shape) of "
                                           + "MNIST's \(split) split do not match ([N, 28, 28] and [N])")
        }
        guard let bad = labels.values.first(where: { $0 > 9 }) else {
            return try ImageDataset(shape: [images.shape[0], 1, images.shape[1], images.shape[2]], pixels: images.values,
                                    labels: labels.values.map(Int.init), source: "MNIST \(split) (IDX files in \(folder))")
        }
        throw DatasetError.corruptFile(path: folder, detail: "a label is \(bad); MNIST's labels are 0–9")
    }

    private static func file(_ folder: String, _ name: String) throws -> String {
        let plain = folder + "/" + name
        if FileManager.default.fileExists(atPath: plain) { return plain }
        if FileManager.default.fileExists(atPath: plain + ".gz") { return plain + ".gz" }
        throw DatasetError.missingFile(path: plain + "[.gz]", remedy: "download MNIST's four IDX files (train-images-idx3-ubyte.gz, "
                                       + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into \(folder)")
    }

    /// One IDX file of unsigned bytes (gzip-compressed when its name ends in `.gz`).
    public static func read(_ path: String) throws -> (shape: [Int], values: [UInt8]) {
        var data = try BinaryImageReaders.contents(of: path, remedy: "an IDX file (e.g. MNIST's train-images-idx3-ubyte.gz)")
        if path.hasSuffix(".gz") { data = try inflated(data, format: .gzip, path: path) }
        let bytes = [UInt8](data)
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DatasetError.corruptFile(path: path, detail: "it does not start with an IDX header (two zero bytes, type, rank)")
        }
        guard bytes[2] == 0x08 else {
            throw DatasetError.corruptFile(path: path, detail: "its element type is 0x\(String(bytes[2], radix: 16)); only unsigned bytes (0x08) are read")
        }
        let rank = Int(bytes[3]), headerSize = 4 + 4 * Int(bytes[3])
        guard rank >= 1, bytes.count >= headerSize else {
            throw DatasetError.corruptFile(path: path, detail: "its header is cut short")
        }
        let shape = (0..<rank).map { axis in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * axis + $1]) }
        }
        // Four 32-bit extents can multiply past Int.max; such a header is as wrong as a short file.
        let count = shape.reduce(1) { total, extent in
            let product = total.multipliedReportingOverflow(by: extent)
            return product.overflow ? Int.max : product.partialValue
        }
        guard count != Int.max, bytes.count == headerSize + count else {
            throw DatasetError.corruptFile(path: path, detail: "the header promises \(shape) = \(count) values, the file holds "
                                           + "\(bytes.count - headerSize)")
        }
        return (shape, Array(bytes[headerSize...]))
    }
}
