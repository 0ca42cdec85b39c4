import Foundation

/// One array of a NumPy `.npy` file (format versions 1–3), or of a `.npz` archive (stored or
/// deflated members; not ZIP64). Element types: unsigned bytes (`u1`) and little-endian float32
/// / float64 (`<f4`, `<f8`), C order. Everything else is refused with the reason.
public struct NumPyArray: Equatable, Sendable {
    public enum Element: String, Sendable { case uint8 = "u1", float32 = "f4", float64 = "f8" }

    public var shape: [Int]
    public var element: Element
    /// The data as stored, little-endian, C order (a uint8 image array is its pixels, uncopied
    /// by any widening).
    public var bytes: [UInt8]

    /// The values widened to Double (exact for all three element types); converts the whole
    /// array on each call.
    public func doubleValues() -> [Double] {
        bytes.withUnsafeBytes { raw in
            let count = shape.reduce(1, *)
            switch element {
            case .uint8: return raw.map(Double.init)
            case .float32:
                return (0..<count).map { Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))) }
            case .float64:
                return (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
            }
        }
    }

    /// The array of the `.npy` file at `path`, or of the `.npz` archive at `path` (its member
    /// `member`, or its only array when `member` is nil).
    public static func read(_ path: String, member: String? = nil) throws -> NumPyArray {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.missingFile(path: path, remedy: "pass an existing .npy or .npz file")
        }
        if path.lowercased().hasSuffix(".npz") {
            let members = try ZipArchive.members(of: data, path: path)
            let arrays = members.keys.filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }.sorted()
            let chosen: String
            if let member {
                guard arrays.contains(member) else {
                    throw DatasetError.invalidParameter(dataset: path, parameter: "array", detail: "'\(member)' is not in it; it holds "
                                                        + arrays.map { "'\($0)'" }.joined(separator: ", "))
                }
                chosen = member
            } else {
                guard arrays.count == 1, let only = arrays.first else {
                    throw DatasetError.invalidParameter(dataset: path, parameter: "array", detail: "holds \(arrays.count) arrays ("
                        + arrays.map { "'\($0)'" }.joined(separator: ", ") + "); name the one to read (--array NAME)")
                }
                chosen = only
            }
            return try parse(try members[chosen + ".npy"]!(), path: "\(path):\(chosen)")
        }
        return try parse(data, path: path)
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Parses one `.npy` stream: magic, version, header length, a Python-literal header dict, data.
    static func parse(_ data: Data, path: String) throws -> NumPyArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DatasetError.corruptFile(path: path, detail: "it does not start with NumPy's magic bytes \\x93NUMPY")
        }
        let major = bytes[6]
        let (lengthBytes, headerStart) = major == 1 ? (2, 10) : (4, 12)
        guard (1...3).contains(major), bytes.count >= headerStart else {
            throw DatasetError.corruptFile(path: path, detail: "NumPy format version \(major) is not 1, 2 or 3")
        }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[6 + 2 + $1]) << (8 * $1) }
        guard headerStart + headerLength <= bytes.count else {
            throw DatasetError.corruptFile(path: path, detail: "its header runs past the end of the file")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let descr = try field("descr", of: header, path: path).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        let fortran = try field("fortran_order", of: header, path: path)
        guard fortran == "False" else {
            throw DatasetError.corruptFile(path: path, detail: "its array is in Fortran order; save it with np.ascontiguousarray")
        }
        let shapeText = try field("shape", of: header, path: path).trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        let shape = try shapeText.split(separator: ",").map { text -> Int in
            guard let extent = Int(text.trimmingCharacters(in: .whitespaces)), extent >= 0 else {
                throw DatasetError.corruptFile(path: path, detail: "its shape (\(shapeText)) is not a tuple of sizes")
            }
            return extent
        }
        let byteOrder = descr.first.map { "<|>=".contains($0) ? String($0) : "" } ?? ""
        guard byteOrder != ">", let element = Element(rawValue: String(descr.dropFirst(byteOrder.count))) else {
            throw DatasetError.corruptFile(path: path, detail: "its element type '\(descr)' is not one of uint8, little-endian "
                                           + "float32 or float64 (convert with array.astype(np.uint8))")
        }
        let count = shape.reduce(1, *)
        let width = element == .uint8 ? 1 : element == .float32 ? 4 : 8
        let payload = bytes[(headerStart + headerLength)...]
        guard payload.count == count * width else {
            throw DatasetError.corruptFile(path: path, detail: "it holds \(payload.count) data bytes, but shape \(shape) of "
                                           + "\(descr) needs \(count * width) (truncated?)")
        }
        return NumPyArray(shape: shape, element: element, bytes: Array(payload))
    }

    /// The text after `'key':` in a header dict, up to the next top-level comma.
    private static func field(_ key: String, of header: String, path: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw DatasetError.corruptFile(path: path, detail: "its header has no '\(key)' (header: \(header.prefix(120)))")
        }
        var depth = 0, text = ""
        for character in header[keyRange.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if (character == "," && depth == 0) || character == "}" { break }
            text.append(character)
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}

/// The members of a ZIP archive (NumPy's `.npz`), read lazily: name → a function that inflates it.
enum ZipArchive {
    static func members(of data: Data, path: String) throws -> [String: () throws -> Data] {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // The end-of-central-directory record: its signature, searched from the end (a comment may follow).
        guard bytes.count >= 22,
              let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 65_535), by: -1)
                .first(where: { u32($0) == 0x0605_4B50 }) else {
            throw DatasetError.corruptFile(path: path, detail: "it is not a ZIP archive (no end-of-central-directory record)")
        }
        let entries = u16(end + 10)
        var offset = u32(end + 16)
        var members: [String: () throws -> Data] = [:]
        for _ in 0..<entries {
            guard offset + 46 <= bytes.count, u32(offset) == 0x0201_4B50 else {
                throw DatasetError.corruptFile(path: path, detail: "its central directory is damaged")
            }
            let (method, compressed, size) = (u16(offset + 10), u32(offset + 20), u32(offset + 24))
            let (nameLength, extraLength, commentLength) = (u16(offset + 28), u16(offset + 30), u16(offset + 32))
            let local = u32(offset + 42)
            let name = String(decoding: bytes[(offset + 46)..<min(bytes.count, offset + 46 + nameLength)], as: UTF8.self)
            offset += 46 + nameLength + extraLength + commentLength
            members[name] = {
                guard compressed != 0xFFFF_FFFF, size != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
                    throw DatasetError.corruptFile(path: path, detail: "member \(name) is a ZIP64 entry (over 4 GiB), which this "
                                                   + "reader does not support; save the array as .npy")
                }
                guard local + 30 <= bytes.count, u32(local) == 0x0403_4B50 else {
                    throw DatasetError.corruptFile(path: path, detail: "the local header of \(name) is damaged")
                }
                let start = local + 30 + u16(local + 26) + u16(local + 28)
                guard start + compressed <= bytes.count else {
                    throw DatasetError.corruptFile(path: path, detail: "member \(name) runs past the end of the archive (truncated?)")
                }
                let stored = Data(bytes[start..<(start + compressed)])
                switch method {
                case 0: return stored
                case 8:
                    let contents = try inflated(stored, format: .raw, path: "\(path):\(name)")
                    guard contents.count == size else {
                        throw DatasetError.corruptFile(path: path, detail: "member \(name) inflates to \(contents.count) bytes, not \(size)")
                    }
                    return contents
                default:
                    throw DatasetError.corruptFile(path: path, detail: "member \(name) uses ZIP compression method \(method); "
                                                   + "only stored and deflated members (np.savez, np.savez_compressed) are read")
                }
            }
        }
        return members
    }
}
