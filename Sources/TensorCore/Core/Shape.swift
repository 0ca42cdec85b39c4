/// Shape arithmetic shared by the kernels: element counts, row-major strides, axis
/// normalisation and NumPy broadcasting rules.
public enum Shape {
    /// Number of elements of a tensor of shape `shape` (1 for a scalar, shape `[]`).
    @inlinable
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides, in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Maps a possibly negative axis (`-1` is the last) into `0..<rank`.
    public static func normalize(axis: Int, rank: Int, operation: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw TensorError.outOfRange(
                operation: operation,
                detail: "axis \(axis) is outside a tensor of rank \(rank); use an axis in \(-rank)..<\(rank)")
        }
        return resolved
    }

    /// The broadcast shape of `lhs` and `rhs` (NumPy rules: align trailing axes; an
    /// extent of 1 stretches to match the other).
    public static func broadcast(_ lhs: [Int], _ rhs: [Int], operation: String) throws -> [Int] {
        let rank = max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let l = i < rank - lhs.count ? 1 : lhs[i - (rank - lhs.count)]
            let r = i < rank - rhs.count ? 1 : rhs[i - (rank - rhs.count)]
            if l == r || r == 1 {
                result[i] = l
            } else if l == 1 {
                result[i] = r
            } else {
                throw TensorError.shapeMismatch(
                    operation: operation, lhs: lhs, rhs: rhs,
                    expected: "aligned from the right, each pair of extents must be equal or contain a 1")
            }
        }
        return result
    }
}
