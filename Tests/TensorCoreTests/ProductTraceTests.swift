import Foundation
import Testing
@testable import TensorCore

/// `ProductTrace`, the speed table's floor: it records exactly the products a step calls on
/// its thread, and its replay computes those products.
@Suite struct ProductTraceTests {
    /// A linear layer's forward product x·Wᵀ (β = 1 onto the bias) and its two backward
    /// products, g·W and gᵀ·x, each with the layer's scale as α.
    @Test func recordsALinearLayersProductsInOrder() throws {
        var random = RandomStream(seed: 1)
        let x = random.normal([8, 5]).requiringGradient(), weight = random.normal([3, 5]).requiringGradient()
        let bias = random.normal([3]).requiringGradient()
        let products = try ProductTrace.record {
            _ = try gradients(of: affine(x, weight: weight, bias: bias, scale: 0.5).sum(), wrt: [x, weight, bias])
        }
        #expect(products == [
            ProductTrace.Product(m: 8, n: 3, k: 5, transposeB: true, alpha: 0.5, beta: 1),
            ProductTrace.Product(m: 8, n: 5, k: 3, alpha: 0.5),
            ProductTrace.Product(m: 3, n: 5, k: 8, transposeA: true, alpha: 0.5),
        ])
        #expect(ProductTrace.Replay(products).multiplyAdds == 3 * 8 * 3 * 5)
    }

    /// Nothing is recorded outside `record`, by another thread, or after a body that threw.
    @Test func recordsOnlyItsOwnThreadAndStops() throws {
        var random = RandomStream(seed: 2)
        let a = random.normal([4, 6]), b = random.normal([6, 2])
        struct Stop: Error {}
        #expect(throws: Stop.self) { _ = try ProductTrace.record { _ = try a.matmul(b); throw Stop() } }
        let products = try ProductTrace.record {
            let other = Thread { _ = try? a.matmul(b, transposeSelf: false, scale: 3) }
            other.start()
            while !other.isFinished { Thread.sleep(forTimeInterval: 0.001) }
            _ = try b.matmul(a, transposeSelf: true, transposeOther: true)
        }
        #expect(products == [ProductTrace.Product(m: 2, n: 4, k: 6, transposeA: true, transposeB: true)])
        _ = try a.matmul(b)
        #expect(try ProductTrace.record {} == [])
    }

    /// The replay's C is op(A)·op(B) of its operands in every transpose mode, α and β applied
    /// (β = 1 accumulates: a second run doubles C).
    @Test(arguments: MatMulTests.transposeModes.indices)
    func replayComputesTheProducts(mode: Int) throws {
        let (transposeA, transposeB) = MatMulTests.transposeModes[mode]
        let product = ProductTrace.Product(m: 7, n: 5, k: 3, transposeA: transposeA, transposeB: transposeB, alpha: 2,
                                           beta: 1)
        let replay = ProductTrace.Replay([product])
        replay.run()
        replay.run()
        let (a, b, c) = try #require(replay.operands[product])
        let expected = try MatMulTests.naiveMatmul(a, b, transposeA: transposeA, transposeB: transposeB) * 4
        let error = zip(c.scalars, expected.scalars).map { Swift.abs($0 - $1) }.max()!
        #expect(c.shape == [7, 5] && error < 1e-4, "largest error \(error)")
    }
}
