import Testing
@testable import TensorCore

/// Philox4x32-10 against the known-answer vectors published with Random123
/// (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011;
/// file kat_vectors of the Random123 distribution).
@Suite struct PhiloxTests {
    typealias Words = (UInt32, UInt32, UInt32, UInt32)

    static let knownAnswers: [(counter: [UInt32], key: [UInt32], output: [UInt32])] = [
        ([0, 0, 0, 0], [0, 0], [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8]),
        ([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [0xFFFF_FFFF, 0xFFFF_FFFF],
         [0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD]),
        ([0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344], [0xA409_3822, 0x299F_31D0],
         [0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1]),
    ]

    @Test(arguments: knownAnswers.indices)
    func knownAnswer(index: Int) {
        let (c, k, expected) = Self.knownAnswers[index]
        let out = Philox4x32.block(counter: (c[0], c[1], c[2], c[3]), key: (k[0], k[1]))
        #expect([out.0, out.1, out.2, out.3] == expected)
    }

    @Test func streamBlocksAreThePhiloxBlocksOfItsCounter() {
        // Key 0xA4093822_299F31D0 as (low, high) words, counter n as (low, high, 0, 0).
        var stream = RandomStream(key: 0x299F_31D0_A409_3822, counter: 0x0000_0001_FFFF_FFFF)
        let first = stream.nextBlock()
        let expected = Philox4x32.block(counter: (0xFFFF_FFFF, 1, 0, 0), key: (0xA409_3822, 0x299F_31D0))
        #expect([first.0, first.1, first.2, first.3] == [expected.0, expected.1, expected.2, expected.3])
        #expect(stream.counter == 0x0000_0002_0000_0000)
    }
}
