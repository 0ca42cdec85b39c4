import CPNG
import Foundation

/// Converts a folder of PNG images (e.g. CelebA re-encoded as PNG) into an `ImageDataset`:
/// each image is decoded to RGB with libpng, centre-cropped to a square and resized to
/// `size × size` by area averaging (every output pixel is the mean of the input pixels it
/// covers, with fractional weights at the edges).
public enum ImageFolderConverter {
    /// All `*.png` files of `folder`, in name order. JPEG files are reported, not skipped
    /// silently: this build decodes PNG only (convert them first, e.g. with ImageMagick).
    public static func convert(folder: String, size: Int) throws -> ImageDataset {
        guard size >= 1 else {
            throw DatasetError.invalidParameter(dataset: folder, parameter: "size", detail: "must be ≥ 1, got \(size)")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DatasetError.missingFile(path: folder, remedy: "pass a folder of PNG images")
        }
        let jpegs = names.filter { [".jpg", ".jpeg"].contains(where: $0.lowercased().hasSuffix) }
        guard jpegs.isEmpty else {
            throw DatasetError.invalidParameter(
                dataset: folder, parameter: "images",
                detail: "holds \(jpegs.count) JPEG files (e.g. \(jpegs[0])), which this build cannot decode; convert them to PNG "
                    + "first (e.g. `mogrify -format png *.jpg`)")
        }
        let pngs = names.filter { $0.lowercased().hasSuffix(".png") }.sorted()
        guard !pngs.isEmpty else {
            throw DatasetError.invalidParameter(dataset: folder, parameter: "images", detail: "holds no .png file")
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(pngs.count * 3 * size * size)
        for name in pngs {
            let (width, height, rgb) = try decodePNG(folder + "/" + name)
            let planes = (0..<3).flatMap { channel in stride(from: channel, to: rgb.count, by: 3).map { rgb[$0] } }
            pixels += areaResizedCentreSquare(planes, channels: 3, width: width, height: height, size: size)
        }
        return try ImageDataset(shape: [pngs.count, 3, size, size], pixels: pixels, labels: nil,
                                source: "\(pngs.count) PNG images of \(folder), centre-cropped, area-resized to \(size)×\(size)")
    }

    /// An RGB image, interleaved rows, through libpng's simplified API.
    static func decodePNG(_ path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw DatasetError.corruptFile(path: path, detail: "libpng cannot read it as a PNG image")
        }
        image.format = UInt32(PNG_FORMAT_RGB)
        let (width, height) = (Int(image.width), Int(image.height))
        var rgb = [UInt8](repeating: 0, count: 3 * width * height)
        guard png_image_finish_read(&image, nil, &rgb, Int32(3 * width), nil) != 0 else {
            png_image_free(&image)
            throw DatasetError.corruptFile(path: path, detail: "libpng failed while decoding it (truncated?)")
        }
        return (width, height, rgb)
    }
}
