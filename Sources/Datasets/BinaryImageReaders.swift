import Foundation

/// Readers for the binary distributions of CIFAR-10 and STL-10, the image datasets of
/// chapter 4 (spec §3.7). Neither can be downloaded here: the errors say which file to put
/// where.
public enum BinaryImageReaders {
    /// CIFAR-10's "binary version": `data_batch_1.bin` … `data_batch_5.bin` (training, 50,000
    /// images) and `test_batch.bin` (10,000) in `folder` (usually `cifar-10-batches-bin`).
    /// Each record is one label byte (0–9) followed by 3,072 bytes: the red, green and blue
    /// 32 × 32 planes, row by row — already NCHW.
    public static func cifar10(folder: String, split: CIFAR10Split = .train) throws -> ImageDataset {
        let recordSize = 1 + 3 * 32 * 32
        var pixels: [UInt8] = [], labels: [Int] = []
        for name in split.fileNames {
            let path = folder + "/" + name
            let data = try contents(of: path, remedy: "download the CIFAR-10 binary version (cifar-10-binary.tar.gz, "
                                    + "Krizhevsky 2009) and extract it so that \(folder) holds \(split.fileNames.joined(separator: ", "))")
            guard data.count % recordSize == 0, !data.isEmpty else {
                throw DatasetError.corruptFile(path: path, detail: "\(data.count) bytes is not a whole number of "
                                               + "\(recordSize)-byte CIFAR-10 records (label + 3×32×32)")
            }
            for start in stride(from: 0, to: data.count, by: recordSize) {
                let label = Int(data[start])
                guard label < 10 else {
                    throw DatasetError.corruptFile(path: path, detail: "record \(start / recordSize) has label \(label) outside 0–9")
                }
                labels.append(label)
                pixels.append(contentsOf: data[(start + 1)..<(start + recordSize)])
            }
        }
        return try ImageDataset(shape: [labels.count, 3, 32, 32], pixels: pixels, labels: labels,
                                source: "CIFAR-10 \(split) (\(split.fileNames.joined(separator: ", ")))")
    }

    public enum CIFAR10Split: String, CustomStringConvertible, Sendable {
        case train, test
        var fileNames: [String] { self == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"] }
        public var description: String { rawValue }
    }

    /// STL-10's binary images (`train_X.bin`, `test_X.bin` or `unlabeled_X.bin`): 96 × 96 × 3
    /// bytes per image, each channel stored column by column; transposed here to NCHW rows.
    /// Labels come from the matching `*_y.bin` (1–10, stored as 0–9) when it exists.
    public static func stl10(imagesFile path: String) throws -> ImageDataset {
        let side = 96, planeSize = 96 * 96, imageSize = 3 * 96 * 96
        let data = try contents(of: path, remedy: "download the STL-10 binary files (stl10_binary.tar.gz, Coates et al. "
                                + "2011) and pass one of train_X.bin, test_X.bin or unlabeled_X.bin")
        guard data.count % imageSize == 0, !data.isEmpty else {
            throw DatasetError.corruptFile(path: path, detail: "\(data.count) bytes is not a whole number of 3×96×96 images")
        }
        let count = data.count / imageSize
        var pixels = [UInt8](repeating: 0, count: data.count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for image in 0..<count {
                for channel in 0..<3 {
                    let plane = image * imageSize + channel * planeSize
                    for column in 0..<side {
                        for row in 0..<side { pixels[plane + row * side + column] = raw[plane + column * side + row] }
                    }
                }
            }
        }
        var labels: [Int]?
        let labelPath = path.replacingOccurrences(of: "_X.bin", with: "_y.bin")
        if labelPath != path, let labelData = FileManager.default.contents(atPath: labelPath) {
            guard labelData.count == count, labelData.allSatisfy({ (1...10).contains($0) }) else {
                throw DatasetError.corruptFile(path: labelPath, detail: "needs \(count) labels in 1–10, one byte each")
            }
            labels = labelData.map { Int($0) - 1 }
        }
        return try ImageDataset(shape: [count, 3, side, side], pixels: pixels, labels: labels,
                                source: "STL-10 \(URL(fileURLWithPath: path).lastPathComponent)")
    }

    static func contents(of path: String, remedy: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.missingFile(path: path, remedy: remedy) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.corruptFile(path: path, detail: "it cannot be read; check its permissions")
        }
        return data
    }
}
