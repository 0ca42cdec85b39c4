import Datasets
import Foundation
import TestSupport
import Testing

/// An image header can declare any size in a few bytes; the converter refuses more than
/// 16,384² pixels before it allocates anything (issue 14: a 69-byte PNG used to ask for 3 TB).
@Suite struct ImageHeaderLimitTests {
    /// The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    @Test func aPNGDeclaringAMillionByAMillionPixelsIsRefused() throws {
        let folder = TemporaryFolder()
        // IHDR: 10⁶ × 10⁶, 8-bit RGB; an empty stored zlib stream as IDAT.
        let header = Self.bigEndian(1_000_000) + Self.bigEndian(1_000_000) + [8, 2, 0, 0, 0]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Self.chunk("IHDR", header)
            + Self.chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + Self.chunk("IEND", [])
        try Data(png).write(to: URL(fileURLWithPath: folder.path + "/huge.png"))
        #expect(png.count < 80)
        #expect {
            _ = try ImageFolderConverter.convert(folder: folder.path, size: 8)
        } throws: { error in
            guard case let DatasetError.corruptFile(path, detail)? = error as? DatasetError else { return false }
            return path.hasSuffix("huge.png") && detail.contains("1000000 × 1000000 pixels")
        }
    }

    @Test func aJPEGDeclaringMoreThanTheLimitIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/huge.jpg"
        try JPEGFolderTests.writeJPEG(to: path, width: 16, height: 16) { x, y in [UInt8(x * 16), UInt8(y * 16), 0] }
        // The baseline frame header (FF C0, length, precision) is followed by height and width.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let frame = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        for offset in [frame + 5, frame + 7] { bytes[offset] = 0xEA; bytes[offset + 1] = 0x60 }  // 60,000
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        JPEGFolderTests.expectCorruptFile(folder: folder.path, fileName: "huge.jpg", libjpegSays: "60000 x 60000 pixels")
    }

    @Test func anOutputSideBeyondTheBoundIsRefusedBeforeReading() throws {
        let folder = TemporaryFolder()
        #expect {
            _ = try ImageFolderConverter.convert(folder: folder.path, size: 1 << 20)
        } throws: { error in
            guard case let DatasetError.invalidParameter(_, parameter, detail)? = error as? DatasetError else { return false }
            return parameter == "size" && detail.contains("must be in 1…4096, got 1048576")
        }
    }
}
