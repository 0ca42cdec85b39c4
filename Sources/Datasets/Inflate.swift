import CZlib
import Foundation
import SystemLimits

/// The two deflate containers our readers meet.
enum DeflateFormat {
    /// A gzip file (`.gz`): header, deflate stream, checksum.
    case gzip
    /// A bare deflate stream, as inside a ZIP archive (NumPy's `.npz`).
    case raw

    var windowBits: Int32 { self == .gzip ? 16 + MAX_WBITS : -MAX_WBITS }
}

/// The contents of a deflate stream, inflated by zlib. Throws `corruptFile` naming `path` for
/// an incomplete stream or one that would inflate past half the memory limit (a few KB can
/// declare terabytes).
func inflated(_ data: Data, format: DeflateFormat, path: String) throws -> Data {
    var stream = z_stream()
    guard inflateInit2_(&stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw DatasetError.corruptFile(path: path, detail: "zlib could not start inflating it")
    }
    defer { inflateEnd(&stream) }
    var output = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = [UInt8](data)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { inputBuffer in
        stream.next_in = inputBuffer.baseAddress
        stream.avail_in = uInt(inputBuffer.count)
        repeat {
            chunk.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                status = inflate(&stream, Z_NO_FLUSH)
                output.append(outputBuffer.baseAddress!, count: outputBuffer.count - Int(stream.avail_out))
            }
        } while status == Z_OK && MemoryLimit.allows(Double(output.count) * 2)
    }
    guard MemoryLimit.allows(Double(output.count) * 2) else {
        throw DatasetError.corruptFile(path: path, detail: "it inflates to more than half the memory limit "
                                       + "(\(MemoryLimit.gibibytes(MemoryLimit.bytes)))")
    }
    guard status == Z_STREAM_END else {
        throw DatasetError.corruptFile(path: path, detail: "it is not a complete \(format == .gzip ? "gzip" : "deflate") stream (zlib status \(status))")
    }
    return output
}
