import PropertyBased
import Testing
import TensorCore

/// Matrix products: finite-difference gradients in every transpose and batching mode,
/// and values against a naive triple loop.
@Suite struct MatMulTests {
    /// `op(a) · op(b)` by the definition, in Float64, batch axes broadcast.
    static func naiveMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor {
        let batch = try Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), operation: "naive")
        let ea = try a.broadcast(to: batch + a.shape.suffix(2)).scalars
        let eb = try b.broadcast(to: batch + b.shape.suffix(2)).scalars
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let n = transposeB ? br : bc
        var out = [Float]()
        for p in 0..<Shape.count(batch) {
            for i in 0..<m {
                for j in 0..<n {
                    var acc = 0.0
                    for l in 0..<k {
                        let av = ea[p * ar * ac + (transposeA ? l * ac + i : i * ac + l)]
                        let bv = eb[p * br * bc + (transposeB ? j * bc + l : l * bc + j)]
                        acc += Double(av) * Double(bv)
                    }
                    out.append(Float(acc))
                }
            }
        }
        return try Tensor(shape: batch + [m, n], scalars: out)
    }

    static let transposeModes = [(false, false), (true, false), (false, true), (true, true)]

    /// Operand shapes (untransposed) for M = 2, K = 3, N = 4 with various batch layouts.
    static let layouts: [(lhs: [Int], rhs: [Int])] = [
        ([2, 3], [3, 4]), ([2, 2, 3], [2, 3, 4]), ([2, 2, 3], [1, 3, 4]), ([3, 1, 2, 3], [2, 3, 4]),
        ([2, 3, 2, 3], [3, 4]), ([2, 3], [2, 3, 4]),
    ]

    private static func transposedShape(_ shape: [Int], _ transpose: Bool) -> [Int] {
        transpose ? Array(shape.dropLast(2)) + [shape[shape.count - 1], shape[shape.count - 2]] : shape
    }

    @Test(arguments: transposeModes.indices, layouts.indices)
    func gradientsAndValues(mode: Int, layout: Int) throws {
        let (ta, tb) = Self.transposeModes[mode]
        let (lhs, rhs) = Self.layouts[layout]
        var data = TestData(seed: 70 + UInt64(4 * layout + mode))
        let a = data.uniform(Self.transposedShape(lhs, ta)), b = data.uniform(Self.transposedShape(rhs, tb))
        try expectGradientsMatch([a, b]) { try $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
        let product = try a.matmul(b, transposeSelf: ta, transposeOther: tb)
        let expected = try Self.naiveMatmul(a, b, transposeA: ta, transposeB: tb)
        #expect(isClose(product, expected), "\(product) vs \(expected)")
    }

    @Test func matchesTripleLoopOnRandomShapes() async {
        let sizes = zip(Gen.int(in: 0...4), Gen.int(in: 0...4), Gen.int(in: 1...4))
        let batches = Generators.broadcastablePair.map { ($0.0.suffix(2), $0.1.suffix(2)) }
        await propertyCheck(input: sizes, batches, Gen.int(in: 0...3), Generators.seed) { mkn, batch, mode, seed throws in
            let (m, k, n) = mkn
            let (ta, tb) = Self.transposeModes[mode]
            var data = TestData(seed: seed)
            let a = data.uniform(Array(batch.0) + (ta ? [k, m] : [m, k]))
            let b = data.uniform(Array(batch.1) + (tb ? [n, k] : [k, n]))
            let product = try a.matmul(b, transposeSelf: ta, transposeOther: tb)
            #expect(isClose(product, try Self.naiveMatmul(a, b, transposeA: ta, transposeB: tb)))
        }
    }

    @Test func handDerivedProduct() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = try Tensor(shape: [2, 2], scalars: [5, 6, 7, 8])
        #expect(try a.matmul(b).scalars == [19, 22, 43, 50])
        #expect(try a.matmul(b, transposeSelf: true).scalars == [26, 30, 38, 44])
        #expect(try a.matmul(b, transposeOther: true).scalars == [17, 23, 39, 53])
    }

    @Test func emptyInnerDimensionGivesZeros() throws {
        let product = try Tensor.zeros([2, 0]).matmul(Tensor.zeros([0, 3]))
        #expect(product.shape == [2, 3] && product.scalars == [Float](repeating: 0, count: 6))
    }
}
