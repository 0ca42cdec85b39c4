import Datasets
import Foundation
import TestSupport
import Testing

@Suite struct RealDigitsTests {
    /// A digits CSV of `rows` distinct rows: pixels 0–2 are the base-17 digits of i, pixel
    /// p ≥ 3 is (i + p) mod 17; label i mod 10.
    static func writeDigitsCSV(rows: Int, to path: String) throws {
        let text = (0..<rows).map { i in
            let pixels = [i % 17, (i / 17) % 17, (i / 289) % 17] + (3..<64).map { (i + $0) % 17 }
            return (pixels.map(String.init) + ["\(i % 10)"]).joined(separator: ",")
        }
        try Data((text.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func aCSVIsReadRowMajorWithItsLabels() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/digits.csv"
        try Self.writeDigitsCSV(rows: 400, to: path)
        let dataset = try RealDigits.digits.read(csv: path)
        #expect(dataset.shape == [400, 1, 8, 8] && dataset.labels?.prefix(12) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
        #expect(dataset.pixels[64 * 3 + 9] == UInt8((3 + 9) % 17))
    }

    /// The split is fixed, disjoint and covers every row.
    @Test func theSplitIsFixedAndDisjoint() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/digits.csv"
        try Self.writeDigitsCSV(rows: 400, to: path)
        let dataset = try RealDigits.digits.read(csv: path)
        let a = try RealDigits.digits.split(dataset), b = try RealDigits.digits.split(dataset)
        #expect(a.train.count == 40 && a.validation.count == 180 && a.test.count == 180)
        #expect(a.train == b.train && a.test == b.test)
        func rows(_ part: ImageDataset) -> Set<[UInt8]> {
            Set((0..<part.count).map { Array(part.pixels[($0 * 64)..<(($0 + 1) * 64)]) + [UInt8(part.labels![$0])] })
        }
        let all = rows(a.train).union(rows(a.validation)).union(rows(a.test))
        #expect(all.count == 400)
    }

    @Test func badFilesAreNamed() throws {
        let folder = TemporaryFolder()
        #expect(throws: DatasetError.self) { try RealDigits.mnist5k.read(csv: folder.path + "/missing.csv") }
        let path = folder.path + "/bad.csv"
        try Data("1,2,3\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try RealDigits.digits.read(csv: path)
            Issue.record("a short row must be refused")
        } catch let DatasetError.corruptFile(file, detail) {
            #expect(file == path && detail.contains("row 1"))
        }
        try Data((Array(repeating: "17", count: 64) + ["3"]).joined(separator: ",").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.self) { try RealDigits.digits.read(csv: path) }  // 17 is outside 0…16
    }
}
