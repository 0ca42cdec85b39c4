import Datasets
import Foundation
import Testing

@Suite struct IDXReaderTests {
    /// An IDX file of unsigned bytes: header (0, 0, 0x08, rank, big-endian dimensions) + values.
    static func idx(shape: [Int], values: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for dimension in shape { bytes += [24, 16, 8, 0].map { UInt8((dimension >> $0) & 0xFF) } }
        return Data(bytes + values)
    }

    static func writeMNIST(to folder: String, prefix: String, count: Int, gzip: Bool) throws -> ([UInt8], [UInt8]) {
        let pixels = (0..<(count * 784)).map { UInt8(($0 * 7) % 256) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        for (name, data) in [("\(prefix)-images-idx3-ubyte", idx(shape: [count, 28, 28], values: pixels)),
                             ("\(prefix)-labels-idx1-ubyte", idx(shape: [count], values: labels))] {
            let path = folder + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            if gzip {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/gzip")
                process.arguments = ["-f", path]
                try process.run()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
            }
        }
        return (pixels, labels)
    }

    /// MNIST's IDX pair reads the same whether gzip-compressed or not.
    @Test(arguments: [false, true])
    func readsTheImagesAndLabels(gzip: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (pixels, labels) = try Self.writeMNIST(to: folder, prefix: "t10k", count: 300, gzip: gzip)
        let dataset = try IDXReader.mnist(folder: folder, split: .test)
        #expect(dataset.shape == [300, 1, 28, 28] && dataset.levels == 256)
        #expect(dataset.pixels == pixels && dataset.labels == labels.map(Int.init))
        #expect(throws: DatasetError.self) { try IDXReader.mnist(folder: folder, split: .train) }
    }

    @Test func corruptFilesAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("idx-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases: [(String, Data)] = [
            ("short", Self.idx(shape: [2, 28, 28], values: [UInt8](repeating: 1, count: 100))),
            ("type", Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0])),
            ("magic", Data([1, 2, 3])),
            ("notgzip.gz", Data([0x1f, 0x8b, 8, 0, 1, 2, 3])),
        ]
        for (name, data) in cases {
            let path = folder + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            #expect(throws: DatasetError.self, "\(name)") { try IDXReader.read(path) }
        }
    }
}
