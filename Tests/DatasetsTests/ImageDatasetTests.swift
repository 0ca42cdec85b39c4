import Datasets
import Foundation
import Reporting
import TensorCore
import TestSupport
import Testing

@Suite struct ImageDatasetTests {
    /// A CIFAR-10 record: label, then the R, G, B planes; pixel (c, y, x) = (label·7 + c·3 + y + x) mod 256.
    static func cifarRecord(label: UInt8) -> [UInt8] {
        var record: [UInt8] = [label]
        for c in 0..<3 {
            for y in 0..<32 {
                for x in 0..<32 { record.append(UInt8((Int(label) * 7 + c * 3 + y + x) % 256)) }
            }
        }
        return record
    }

    @Test func cifar10ReaderReadsTheOfficialLayout() throws {
        let folder = TemporaryFolder()
        for batch in 1...5 {
            let bytes = Self.cifarRecord(label: UInt8(batch)) + Self.cifarRecord(label: UInt8(batch + 4))
            _ = FileManager.default.createFile(atPath: folder.path + "/data_batch_\(batch).bin", contents: Data(bytes))
        }
        let dataset = try BinaryImageReaders.cifar10(folder: folder.path)
        #expect(dataset.shape == [10, 3, 32, 32])
        #expect(dataset.labels == [1, 5, 2, 6, 3, 7, 4, 8, 5, 9])
        // Image 1 (label 5), channel 2, row 4, column 9.
        let expected: UInt8 = 5 * 7 + 6 + 4 + 9
        #expect(dataset.pixels[1 * 3072 + 2 * 1024 + 4 * 32 + 9] == expected)
        let batch = try dataset.batch([1])
        #expect(batch.shape == [1, 3, 32, 32] && batch.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test func cifar10ErrorsNameTheFileAndTheFix() throws {
        let folder = TemporaryFolder()
        do {
            _ = try BinaryImageReaders.cifar10(folder: folder.path, split: .test)
            Issue.record("a missing file must throw")
        } catch let error as DatasetError {
            #expect(error.description.contains("test_batch.bin") && error.description.contains("CIFAR-10 binary version"))
        }
        _ = FileManager.default.createFile(atPath: folder.path + "/test_batch.bin", contents: Data(repeating: 0, count: 3000))
        #expect(throws: DatasetError.self) { try BinaryImageReaders.cifar10(folder: folder.path, split: .test) }
    }

    /// STL-10 stores each channel column by column; the reader transposes to rows.
    @Test func stl10ReaderTransposesToRowMajor() throws {
        let folder = TemporaryFolder()
        var bytes = [UInt8](repeating: 0, count: 2 * 3 * 96 * 96)
        bytes[1 * 27_648 + 2 * 9_216 + 5 * 96 + 7] = 200  // image 1, channel 2, column 5, row 7
        _ = FileManager.default.createFile(atPath: folder.path + "/train_X.bin", contents: Data(bytes))
        _ = FileManager.default.createFile(atPath: folder.path + "/train_y.bin", contents: Data([3, 10]))
        let dataset = try BinaryImageReaders.stl10(imagesFile: folder.path + "/train_X.bin")
        #expect(dataset.shape == [2, 3, 96, 96] && dataset.labels == [2, 9])
        #expect(dataset.pixels[1 * 27_648 + 2 * 9_216 + 7 * 96 + 5] == 200)
        let half = try dataset.resized(to: 48)
        #expect(half.shape == [2, 3, 48, 48])
        #expect(half.pixels[1 * 6_912 + 2 * 2_304 + 3 * 48 + 2] == 50)  // the 2×2 block mean of 200, 0, 0, 0
    }

    /// A 6 × 4 PNG: the centred 4 × 4 square (columns 1–4) averaged 2 × 2 down to 2 × 2.
    @Test func folderConverterCropsAndAreaResizesPNGs() throws {
        let folder = TemporaryFolder()
        var canvas = try Canvas(width: 6, height: 4, background: Color(red: 0, green: 0, blue: 0))
        canvas.fillRectangle(PixelRect(x: 1, y: 0, width: 2, height: 2), color: Color(red: 200, green: 100, blue: 40))
        canvas.fillRectangle(PixelRect(x: 0, y: 0, width: 1, height: 4), color: Color(red: 255, green: 255, blue: 255))
        try canvas.savePNG(to: folder.path + "/a.png")
        try canvas.savePNG(to: folder.path + "/b.png")
        let dataset = try ImageFolderConverter.convert(folder: folder.path, size: 2)
        #expect(dataset.shape == [2, 3, 2, 2] && dataset.labels == nil)
        #expect(Array(dataset.pixels[0..<4]) == [200, 0, 0, 0])    // red plane: the white column is cropped away
        #expect(Array(dataset.pixels[4..<8]) == [100, 0, 0, 0])
        // A JPEG that stops after its start-of-image marker is decoded, and is corrupt.
        _ = FileManager.default.createFile(atPath: folder.path + "/c.jpg", contents: Data([0xFF, 0xD8]))
        #expect(throws: DatasetError.corruptFile(path: folder.path + "/c.jpg", detail: "libjpeg: Premature end of JPEG file")) {
            try ImageFolderConverter.convert(folder: folder.path, size: 2)
        }
    }

    @Test func hdf5RoundTripKeepsEverythingAndNeverOverwrites() throws {
        let folder = TemporaryFolder()
        let dataset = try ImageDataset(shape: [2, 1, 2, 3], pixels: [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255],
                                       labels: [7, 3], source: "test")
        let path = folder.path + "/d.h5"
        try dataset.write(toHDF5: path)
        #expect(try ImageDataset.read(fromHDF5: path) == dataset)
        #expect(throws: (any Error).self) { try dataset.write(toHDF5: path) }
        do {
            _ = try ImageDataset.read(fromHDF5: folder.path + "/missing.h5")
            Issue.record("a missing file must throw")
        } catch let error as DatasetError {
            #expect(error.description.contains("mixedbatch data convert"))
        }
        #expect(throws: DatasetError.self) { try ImageDataset(shape: [2, 1, 2, 3], pixels: [0], source: "bad") }
    }
}
