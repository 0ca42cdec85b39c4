/// Philox4x32-10 (Salmon et al., SC 2011): a counter-based generator. Each 128-bit
/// counter value maps, under a 64-bit key, to four independent 32-bit words, so a
/// stream is fully described by (key, counter) and can be split or checkpointed.
struct Philox4x32 {
    static let m0: UInt32 = 0xD251_1F53, m1: UInt32 = 0xCD9E_8D57
    static let w0: UInt32 = 0x9E37_79B9, w1: UInt32 = 0xBB67_AE85

    /// The 4 output words for `counter` under `key`.
    static func block(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for _ in 0..<10 {
            let p0 = UInt64(m0) * UInt64(c.0), p1 = UInt64(m1) * UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
            k = (k.0 &+ w0, k.1 &+ w1)
        }
        return c
    }
}
