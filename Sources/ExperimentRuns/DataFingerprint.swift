import Foundation
import TensorCore
import Training

/// What identifies a data file's contents: its size and the FNV-1a hash of every byte.
/// A checkpoint records the fingerprint of each file its run trains or evaluates on, and a
/// resumed run refuses other contents under the same path unless told to
/// (`--allow-other-data`): the same path can hold another dataset after a re-conversion.
public struct DataFingerprint: Codable, Equatable, Sendable, CustomStringConvertible {
    public var bytes: Int
    public var hash: String

    /// Reads the whole file (in 4 MiB pieces); a missing or unreadable file is a `ConfigError`.
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError("cannot read the data file \(path) to fingerprint it; check the path")
        }
        defer { try? handle.close() }
        var hash = FNV1aHash(), bytes = 0
        while let piece = try handle.read(upToCount: 4 << 20), !piece.isEmpty {
            piece.withUnsafeBytes { hash.combine(bytes: $0) }
            bytes += piece.count
        }
        self.bytes = bytes
        self.hash = hash.hex
    }

    public var description: String { "\(bytes) bytes, FNV-1a \(hash)" }
}

extension RunConfiguration {
    /// The fingerprint of each of `dataFiles`, by path.
    public func dataFingerprints() throws -> [String: DataFingerprint] {
        var fingerprints: [String: DataFingerprint] = [:]
        for path in dataFiles { fingerprints[path] = try DataFingerprint(path: path) }
        return fingerprints
    }
}
