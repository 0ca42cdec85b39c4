/// The 64-bit FNV-1a hash: what names random streams, fingerprints weights, configs and data
/// files. Not cryptographic: it tells versions apart, it does not resist forgery.
///
/// ```swift
/// var hash = FNV1aHash()
/// hash.combine(bytes: Array("generator".utf8))
/// hash.hex   // "…16 hex digits…"
/// ```
public struct FNV1aHash: Sendable, Equatable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    /// Folds `bytes` into the hash, in order.
    public mutating func combine<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        var hash = value
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value = hash
    }

    /// The hash as 16 lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of a string's UTF-8 bytes.
    public static func of(_ text: String) -> FNV1aHash {
        var hash = FNV1aHash()
        hash.combine(bytes: text.utf8)
        return hash
    }
}
