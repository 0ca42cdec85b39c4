import CJPEG
import CJPEGDecoder
import Foundation

extension ImageFolderConverter {
    /// The JPEG file at `path` as an RGB image, interleaved rows, decoded by libjpeg (through
    /// CJPEGDecoder, whose error manager returns instead of ending the process). Grayscale
    /// comes out with R = G = B, CMYK and YCCK converted to RGB. Returns the width, the height
    /// and 3·width·height bytes; throws `corruptFile` with libjpeg's message for a file that is
    /// not a JPEG, is truncated or corrupt (libjpeg's warnings count as errors).
    static func decodeJPEG(_ path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw DatasetError.corruptFile(path: path, detail: "cannot be read")
        }
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        var width: Int32 = 0, height: Int32 = 0
        var decoded: UnsafeMutablePointer<UInt8>?
        let status = bytes.withUnsafeBytes { data in
            mixedbatch_jpeg_decode_rgb(data.bindMemory(to: UInt8.self).baseAddress, data.count,
                                       &width, &height, &decoded, &message)
        }
        defer { mixedbatch_jpeg_free(decoded) }
        guard status == MIXEDBATCH_JPEG_OK, let pixels = decoded else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DatasetError.corruptFile(path: path, detail: "libjpeg: \(text)")
        }
        let (w, h) = (Int(width), Int(height))
        return (w, h, Array(UnsafeBufferPointer(start: pixels, count: 3 * w * h)))
    }
}
