import TensorCore

/// A two-class toy image set with a known label per image, for tests and smoke runs of the
/// likelihood, adversarial and classifier code: 8-bit `[count, 1, side, side]` images of dark
/// noise (0…39) with one bright (200…255) `square` × `square` patch, its top-left corner at
/// (`inset`, `inset`) for label 0 and at (`side − inset − square`, same) for label 1.
public enum CornerSquares {
    public static func dataset(count: Int, side: Int, square: Int, inset: Int, seed: UInt64) throws -> ImageDataset {
        guard count >= 1, square >= 1, inset >= 0, 2 * (inset + square) <= side else {  // the two squares apart
            throw DatasetError.invalidParameter(dataset: "corner squares", parameter: "geometry",
                                                detail: "needs count ≥ 1 and two non-overlapping \(square)×\(square) squares "
                                                    + "inset by \(inset) inside a \(side)×\(side) image")
        }
        var random = RandomStream(seed: seed)
        var pixels: [UInt8] = [], labels: [Int] = []
        pixels.reserveCapacity(count * side * side)
        for _ in 0..<count {
            let label = random.integer(in: 0..<2), corner = label == 0 ? inset : side - inset - square
            let patch = corner..<(corner + square)
            for y in 0..<side {
                for x in 0..<side {
                    pixels.append(UInt8(patch.contains(y) && patch.contains(x) ? 200 + random.integer(in: 0..<56)
                                                                                  : random.integer(in: 0..<40)))
                }
            }
            labels.append(label)
        }
        return try ImageDataset(shape: [count, 1, side, side], pixels: pixels, labels: labels, source: "corner squares")
    }
}
