import Testing
import TensorCore
@testable import Datasets

/// The toy set's label says which corner holds the bright square, and a bad geometry is refused.
@Suite struct CornerSquaresTests {
    @Test func theLabelNamesTheBrightCorner() throws {
        let set = try CornerSquares.dataset(count: 20, side: 8, square: 3, inset: 1, seed: 3)
        #expect(set.shape == [20, 1, 8, 8] && set.levels == 256)
        let labels = try #require(set.labels)
        #expect(Set(labels) == [0, 1])
        for (index, label) in labels.enumerated() {
            let image = Array(set.pixels[(index * 64)..<((index + 1) * 64)])
            let corner = label == 0 ? 1 : 4
            for y in 0..<8 {
                for x in 0..<8 {
                    let inside = (corner..<(corner + 3)).contains(y) && (corner..<(corner + 3)).contains(x)
                    #expect(inside ? image[y * 8 + x] >= 200 : image[y * 8 + x] < 40)
                }
            }
        }
        #expect(throws: DatasetError.self) { try CornerSquares.dataset(count: 4, side: 8, square: 4, inset: 1, seed: 0) }
    }
}
