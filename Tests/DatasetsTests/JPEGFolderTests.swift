import CJPEGDecoder
import Datasets
import Foundation
import Reporting
import TestSupport
import Testing

/// The JPEG half of `ImageFolderConverter`. The tests write their own files with libjpeg's
/// compressor (`mixedbatch_jpeg_encode_file`); JPEG is lossy, so decoded colours are compared
/// within a few levels.
@Suite struct JPEGFolderTests {
    /// Writes a `width × height` image to `path` as a JPEG; `colour(x, y)` gives each pixel's
    /// `components` bytes (1 grayscale, 3 RGB, 4 inverted CMYK).
    static func writeJPEG(to path: String, width: Int, height: Int, components: Int = 3, quality: Int = 95,
                          colour: (_ x: Int, _ y: Int) -> [UInt8]) throws {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += colour(x, y) } }
        var message = [CChar](repeating: 0, count: 200)
        let status = mixedbatch_jpeg_encode_file(path, pixels, Int32(width), Int32(height), Int32(components),
                                                 Int32(quality), &message)
        try #require(status == MIXEDBATCH_JPEG_OK, "libjpeg could not write \(path)")
    }

    /// Pixel (x, y) of image `index` of a `[N, 3, S, S]` dataset, as [R, G, B].
    static func rgb(_ dataset: ImageDataset, image index: Int, x: Int, y: Int) -> [Int] {
        let side = dataset.shape[2]
        return (0..<3).map { Int(dataset.pixels[((index * 3 + $0) * side + y) * side + x]) }
    }

    /// The largest per-channel difference between two colours.
    static func distance(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

    /// The thrown error when converting `folder` must be `corruptFile` naming `fileName`, with a
    /// detail that contains `libjpegSays`.
    static func expectCorruptFile(folder: String, fileName: String, libjpegSays: String) {
        do {
            _ = try ImageFolderConverter.convert(folder: folder, size: 4)
            Issue.record("\(fileName) must not convert")
        } catch let DatasetError.corruptFile(path, detail) {
            #expect(path.hasSuffix("/" + fileName))
            #expect(detail.contains("libjpeg") && detail.contains(libjpegSays), "detail was: \(detail)")
        } catch {
            Issue.record("expected corruptFile, got \(error)")
        }
    }

    @Test func constantColourJPEGDecodesToThatColour() throws {
        let folder = TemporaryFolder()
        try Self.writeJPEG(to: folder.path + "/face.jpg", width: 16, height: 16) { _, _ in [200, 100, 40] }
        let dataset = try ImageFolderConverter.convert(folder: folder.path, size: 16)
        #expect(dataset.shape == [1, 3, 16, 16] && dataset.labels == nil)
        #expect(dataset.source.contains("PNG/JPEG"))
        for y in 0..<16 {
            for x in 0..<16 { #expect(Self.distance(Self.rgb(dataset, image: 0, x: x, y: y), [200, 100, 40]) <= 3) }
        }
    }

    /// 60 × 36: green margins (columns 0–11 and 48–59) that the centre crop (columns 12–47)
    /// removes, red in columns 12–29, blue in 30–47. Resized 36 → 6, each output column
    /// averages 6 input columns: 0–2 red, 3–5 blue; columns 1 and 4 are away from every edge.
    @Test func twoColourSplitIsCroppedAndResized() throws {
        let folder = TemporaryFolder()
        let (green, red, blue): ([UInt8], [UInt8], [UInt8]) = ([40, 200, 40], [220, 30, 30], [30, 60, 220])
        try Self.writeJPEG(to: folder.path + "/split.jpeg", width: 60, height: 36) { x, _ in
            x < 12 || x >= 48 ? green : (x < 30 ? red : blue)
        }
        let dataset = try ImageFolderConverter.convert(folder: folder.path, size: 6)
        #expect(dataset.shape == [1, 3, 6, 6])
        for y in 0..<6 {
            #expect(Self.distance(Self.rgb(dataset, image: 0, x: 1, y: y), red.map(Int.init)) <= 3)
            #expect(Self.distance(Self.rgb(dataset, image: 0, x: 4, y: y), blue.map(Int.init)) <= 3)
            for x in 0..<6 {
                let pixel = Self.rgb(dataset, image: 0, x: x, y: y)
                #expect(x < 3 ? pixel[0] > 180 && pixel[2] < 70 : pixel[2] > 180 && pixel[0] < 70)
                #expect(pixel[1] < 90, "no green from the cropped margins")
            }
        }
    }

    /// Name order across formats and letter cases: a.JPEG before b.png; c.txt is ignored.
    @Test func folderMixingPNGAndJPEGConvertsInNameOrder() throws {
        let folder = TemporaryFolder()
        try Self.writeJPEG(to: folder.path + "/a.JPEG", width: 8, height: 8) { _, _ in [20, 140, 230] }
        let canvas = try Canvas(width: 8, height: 8, background: Color(red: 250, green: 10, blue: 90))
        try canvas.savePNG(to: folder.path + "/b.png")
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: folder.path + "/c.txt"))
        let dataset = try ImageFolderConverter.convert(folder: folder.path, size: 4)
        #expect(dataset.shape == [2, 3, 4, 4])
        #expect(Self.distance(Self.rgb(dataset, image: 0, x: 2, y: 1), [20, 140, 230]) <= 3)
        #expect(Self.rgb(dataset, image: 1, x: 2, y: 1) == [250, 10, 90])  // PNG is lossless
    }

    @Test func truncatedJPEGThrowsCorruptFile() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/cut.jpg"
        // Large enough that half the file ends inside the compressed scan, past the headers.
        try Self.writeJPEG(to: path, width: 128, height: 128) { x, y in [UInt8(x * 2), UInt8(y * 2), UInt8((x * y) % 256)] }
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        Self.expectCorruptFile(folder: folder.path, fileName: "cut.jpg", libjpegSays: "Premature end of JPEG file")
    }

    /// 4 KiB from a fixed linear congruential generator: not a JPEG, and not a crash either.
    @Test func randomBytesNamedJPGThrowCorruptFile() throws {
        let folder = TemporaryFolder()
        var state: UInt32 = 12_345
        let noise = (0..<4096).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        try Data(noise).write(to: URL(fileURLWithPath: folder.path + "/x.jpg"))
        Self.expectCorruptFile(folder: folder.path, fileName: "x.jpg", libjpegSays: "Not a JPEG file")
        try Data().write(to: URL(fileURLWithPath: folder.path + "/x.jpg"))
        Self.expectCorruptFile(folder: folder.path, fileName: "x.jpg", libjpegSays: "empty")
    }

    /// A horizontal ramp 0, 16, …, 240 in one grayscale channel comes out as R = G = B.
    @Test func grayscaleJPEGComesOutWithEqualChannels() throws {
        let folder = TemporaryFolder()
        try Self.writeJPEG(to: folder.path + "/gray.jpg", width: 16, height: 16, components: 1) { x, _ in [UInt8(x * 16)] }
        let dataset = try ImageFolderConverter.convert(folder: folder.path, size: 16)
        for y in 0..<16 {
            for x in 0..<16 {
                let pixel = Self.rgb(dataset, image: 0, x: x, y: y)
                #expect(pixel[0] == pixel[1] && pixel[1] == pixel[2])
                #expect(abs(pixel[0] - x * 16) <= 3)
            }
        }
    }

    /// Inverted (Adobe) CMYK as Photoshop writes it: stored 255 − ink. No cyan, full magenta
    /// and yellow, no black is red; half black on no ink is mid grey.
    @Test func cmykJPEGIsConvertedToRGB() throws {
        let folder = TemporaryFolder()
        try Self.writeJPEG(to: folder.path + "/cmyk.jpg", width: 16, height: 16, components: 4) { x, _ in
            x < 8 ? [255, 0, 0, 255] : [255, 255, 255, 128]
        }
        let dataset = try ImageFolderConverter.convert(folder: folder.path, size: 16)
        for y in 0..<16 {
            #expect(Self.distance(Self.rgb(dataset, image: 0, x: 2, y: y), [255, 0, 0]) <= 3)
            #expect(Self.distance(Self.rgb(dataset, image: 0, x: 13, y: y), [128, 128, 128]) <= 3)
        }
    }
}
