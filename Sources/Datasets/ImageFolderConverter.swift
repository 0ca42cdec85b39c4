import CPNG
import Foundation

/// Converts a folder of PNG/JPEG images (e.g. CelebA's .jpg files) into an `ImageDataset`:
/// each image is decoded to RGB (PNG with libpng, JPEG with libjpeg), centre-cropped to a
/// square and resized to `size × size` by area averaging (every output pixel is the mean of
/// the input pixels it covers, with fractional weights at the edges).
public enum ImageFolderConverter {
    /// The file name endings this converter decodes (compared case-insensitively).
    static let imageExtensions = [".png", ".jpg", ".jpeg"]
    /// The largest image decoded, in pixels (16,384²; CJPEGDecoder's MIXEDBATCH_JPEG_MAX_PIXELS).
    static let maximumPixels = 1 << 28

    /// All PNG and JPEG files of `folder` (`*.png`, `*.jpg`, `*.jpeg`, any case), in name order,
    /// as a dataset `[N, 3, size, size]` without labels; other files are ignored. Throws
    /// `corruptFile` naming the first file that does not decode.
    public static func convert(folder: String, size: Int) throws -> ImageDataset {
        guard (1...4_096).contains(size) else {
            throw DatasetError.invalidParameter(dataset: folder, parameter: "size", detail: "must be in 1…4096, got \(size)")
        }
        let images = try imageNames(in: folder)
        try ImageDataset.checkFitsInMemory(count: images.count, size: size, bytesPerPixel: 3, source: folder)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(images.count * 3 * size * size)
        for name in images {
            let path = folder + "/" + name
            let (width, height, rgb) = name.lowercased().hasSuffix(".png") ? try decodePNG(path) : try decodeJPEG(path)
            let planes = (0..<3).flatMap { channel in stride(from: channel, to: rgb.count, by: 3).map { rgb[$0] } }
            pixels += areaResizedCentreSquare(planes, channels: 3, width: width, height: height, size: size)
        }
        return try ImageDataset(shape: [images.count, 3, size, size], pixels: pixels, labels: nil,
                                source: "\(images.count) PNG/JPEG images of \(folder), centre-cropped, area-resized to \(size)×\(size)")
    }

    /// The names of the PNG and JPEG files of `folder`, sorted; throws when there are none.
    static func imageNames(in folder: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DatasetError.missingFile(path: folder, remedy: "pass a folder of PNG/JPEG images")
        }
        let images = names.filter { name in imageExtensions.contains { name.lowercased().hasSuffix($0) } }.sorted()
        guard !images.isEmpty else {
            throw DatasetError.invalidParameter(dataset: folder, parameter: "images",
                                                detail: "holds no .png, .jpg or .jpeg file")
        }
        return images
    }

    /// The PNG file at `path` as an RGB image, interleaved rows, through libpng's simplified
    /// API. Returns the width, the height and 3·width·height bytes.
    static func decodePNG(_ path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw DatasetError.corruptFile(path: path, detail: "libpng cannot read it as a PNG image")
        }
        image.format = UInt32(PNG_FORMAT_RGB)
        let (width, height) = (Int(image.width), Int(image.height))
        guard width * height <= maximumPixels else {  // a 65-byte header can declare 10⁶ × 10⁶ pixels
            png_image_free(&image)
            throw DatasetError.corruptFile(path: path, detail: "its header declares \(width) × \(height) pixels, more than the "
                                           + "\(maximumPixels) (16,384²) this converter decodes; shrink the image first")
        }
        var rgb = [UInt8](repeating: 0, count: 3 * width * height)
        guard png_image_finish_read(&image, nil, &rgb, Int32(3 * width), nil) != 0 else {
            png_image_free(&image)
            throw DatasetError.corruptFile(path: path, detail: "libpng failed while decoding it (truncated?)")
        }
        return (width, height, rgb)
    }
}
