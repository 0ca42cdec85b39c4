import CPNG
import Foundation

extension Canvas {
    /// The canvas encoded as an 8-bit RGB PNG (libpng's simplified API).
    public func pngData() throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        let stride = Int32(3 * width)
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels, stride, nil) != 0 else {
            throw ReportingError.invalidArgument(operation: "Canvas.pngData",
                                                 detail: "libpng could not size the image: \(Self.message(of: image))")
        }
        var encoded = Data(count: size)
        let written = encoded.withUnsafeMutableBytes { buffer in
            png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, pixels, stride, nil)
        }
        guard written != 0 else {
            throw ReportingError.invalidArgument(operation: "Canvas.pngData",
                                                 detail: "libpng could not encode the image: \(Self.message(of: image))")
        }
        return encoded.prefix(size)
    }

    /// Writes the canvas as a PNG file, atomically.
    public func savePNG(to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try AtomicFile.write(pngData(), to: path, existing: existing)
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
