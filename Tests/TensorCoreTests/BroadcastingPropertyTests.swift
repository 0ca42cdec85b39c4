import PropertyBased
import Testing
import TensorCore

/// NumPy broadcasting: the result shape, elementwise results, and the adjointness of
/// `broadcast(to:)` and `sum(toShape:)`.
@Suite struct BroadcastingPropertyTests {
    /// NumPy's rule stated as a maximum: align from the right, fill missing axes with 1;
    /// each result extent is the larger of the pair, and each operand's extent must be
    /// that or 1.
    static func expectedBroadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        let paddedA = Array(repeating: 1, count: rank - a.count) + a
        let paddedB = Array(repeating: 1, count: rank - b.count) + b
        let result = zip(paddedA, paddedB).map { Swift.max($0, $1) }
        let fits = { (operand: [Int]) in zip(operand, result).allSatisfy { $0 == $1 || $0 == 1 } }
        return fits(paddedA) && fits(paddedB) ? result : nil
    }

    /// `x` broadcast to `target` by index arithmetic: output index → source index with
    /// broadcast axes pinned to 0.
    static func referenceBroadcast(_ x: Tensor, to target: [Int]) -> [Float] {
        let source = x.scalars, pad = target.count - x.rank
        let sourceStrides = Shape.strides(x.shape)
        return (0..<Shape.count(target)).map { flat in
            var remainder = flat, offset = 0
            for axis in stride(from: target.count - 1, through: 0, by: -1) {
                let index = remainder % target[axis]
                remainder /= target[axis]
                if axis >= pad && x.shape[axis - pad] != 1 { offset += index * sourceStrides[axis - pad] }
            }
            return source[offset]
        }
    }

    @Test(arguments: [
        ([256, 256, 3], [3], [256, 256, 3]), ([8, 1, 6, 1], [7, 1, 5], [8, 7, 6, 5]), ([5, 4], [1], [5, 4]),
        ([5, 4], [4], [5, 4]), ([15, 3, 5], [15, 1, 5], [15, 3, 5]), ([15, 3, 5], [3, 5], [15, 3, 5]),
        ([15, 3, 5], [3, 1], [15, 3, 5]), ([], [2, 3], [2, 3]), ([0, 1], [1, 4], [0, 4]),
    ])
    func numpyDocumentationExamples(a: [Int], b: [Int], expected: [Int]) throws {
        #expect(try Shape.broadcast(a, b, operation: "test") == expected)
        #expect(try Shape.broadcast(b, a, operation: "test") == expected)
    }

    @Test(arguments: [([3], [4]), ([2, 1], [8, 4, 3]), ([0], [2])])
    func numpyDocumentationFailures(a: [Int], b: [Int]) {
        #expect(throws: TensorError.self) { try Shape.broadcast(a, b, operation: "test") }
    }

    @Test func resultShapeFollowsNumPyRules() async {
        await propertyCheck(input: Generators.shape, Generators.shape) { a, b throws in
            if let expected = Self.expectedBroadcast(a, b) {
                #expect(try Shape.broadcast(a, b, operation: "test") == expected)
            } else {
                #expect(throws: TensorError.self) { try Shape.broadcast(a, b, operation: "test") }
            }
        }
        await propertyCheck(input: Generators.broadcastablePair) { a, b throws in
            #expect(try Shape.broadcast(a, b, operation: "test") == Self.expectedBroadcast(a, b))
        }
    }

    @Test func broadcastMatchesIndexArithmetic() async {
        await propertyCheck(input: Generators.broadcastablePair, Generators.seed) { shapes, seed throws in
            var data = TestData(seed: seed)
            let x = data.uniform(shapes.0)
            let target = try Shape.broadcast(shapes.0, shapes.1, operation: "test")
            #expect(try x.broadcast(to: target).scalars == Self.referenceBroadcast(x, to: target))
        }
    }

    @Test func binaryOpsEqualExplicitBroadcastThenOp() async {
        await propertyCheck(input: Generators.broadcastablePair, Generators.seed) { shapes, seed throws in
            var data = TestData(seed: seed)
            let a = data.uniform(shapes.0), b = data.positive(shapes.1)
            let target = try Shape.broadcast(a.shape, b.shape, operation: "test")
            let (wideA, wideB) = (try a.broadcast(to: target), try b.broadcast(to: target))
            #expect(isIdentical(try a + b, try wideA + wideB))
            #expect(isIdentical(try a - b, try wideA - wideB))
            #expect(isIdentical(try a * b, try wideA * wideB))
            #expect(isIdentical(try a / b, try wideA / wideB))
            #expect(isIdentical(try Tensor.maximum(a, b), try Tensor.maximum(wideA, wideB)))
            // And against scalar arithmetic on the index-arithmetic reference.
            let sums = zip(Self.referenceBroadcast(a, to: target), Self.referenceBroadcast(b, to: target)).map { $0 + $1 }
            #expect(try (a + b).scalars == sums)
        }
    }

    @Test func sumToShapeIsTheAdjointOfBroadcast() async {
        await propertyCheck(input: Generators.broadcastablePair, Generators.seed) { shapes, seed throws in
            var data = TestData(seed: seed)
            let target = try Shape.broadcast(shapes.0, shapes.1, operation: "test")
            let x = data.uniform(shapes.0), y = data.uniform(target)
            let lhs = innerProduct(try x.broadcast(to: target), y)
            let rhs = innerProduct(x, try y.sum(toShape: shapes.0))
            #expect(Swift.abs(lhs - rhs) <= 1e-5 * (1 + Swift.abs(lhs)), "\(lhs) vs \(rhs)")
        }
    }
}
