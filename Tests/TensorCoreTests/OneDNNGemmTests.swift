import Testing
@testable import TensorCore

/// Products of at least `GEMMBackend.oneDNNMinimumWork` multiply-adds run on oneDNN's GEMM
/// (the default backend): their values against the Float64 triple loop in every transpose mode,
/// GEMM's α (`scale`) and β (the fused bias of `affine`) included, and the same bits on a repeat.
@Suite struct OneDNNGemmTests {
    /// [64×512]·[512×512]: 2²⁴ multiply-adds, the smallest product of a width-512 perceptron.
    static let (m, k, n) = (64, 512, 512)

    /// Whether every entry of `actual` is within float rounding of `expected`: |error| below
    /// 2⁻¹⁷ · Σ|a·b| of its dot product (K roundings of at most 2⁻²⁴ each, with room).
    static func expectClose(_ actual: Tensor, _ expected: Tensor, bound: [Float],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, sourceLocation: sourceLocation)
        let worst = zip(zip(actual.scalars, expected.scalars), bound).map { pair, b in Swift.abs(pair.0 - pair.1) / b }.max()!
        #expect(worst <= 1.0 / Float(1 << 17), "worst error \(worst) of Σ|a·b|", sourceLocation: sourceLocation)
    }

    @Test(arguments: MatMulTests.transposeModes.indices)
    func largeProductsMatchTheTripleLoop(mode: Int) throws {
        #expect(GEMMBackend.current == .automatic && GEMMBackend.usesOneDNN(m: Self.m, n: Self.n, k: Self.k))
        let (transposeA, transposeB) = MatMulTests.transposeModes[mode]
        var random = RandomStream(seed: UInt64(40 + mode))
        let a = random.normal(transposeA ? [Self.k, Self.m] : [Self.m, Self.k])
        let b = random.normal(transposeB ? [Self.n, Self.k] : [Self.k, Self.n])
        let product = try a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB, scale: 0.5)
        let expected = try MatMulTests.naiveMatmul(a, b, transposeA: transposeA, transposeB: transposeB) * 0.5
        let bound = try MatMulTests.naiveMatmul(TensorCore.abs(a), TensorCore.abs(b), transposeA: transposeA, transposeB: transposeB).scalars
        Self.expectClose(product, expected, bound: bound)
        let again = try a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB, scale: 0.5)
        let differing = zip(again.scalars, product.scalars).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "a repeat gives the same bits: \(differing) scalars differ")
    }

    /// `affine` fills the output with the bias and accumulates onto it (β = 1).
    @Test func affineAddsTheBiasInsideTheProduct() throws {
        var random = RandomStream(seed: 45)
        let x = random.normal([Self.m, Self.k]), weight = random.normal([Self.n, Self.k]), bias = random.normal([Self.n])
        let y = try affine(x, weight: weight, bias: bias, scale: 2)
        let expected = try MatMulTests.naiveMatmul(x, weight, transposeA: false, transposeB: true) * 2 + bias
        let bound = try MatMulTests.naiveMatmul(TensorCore.abs(x), TensorCore.abs(weight), transposeA: false, transposeB: true) * 2
            + TensorCore.abs(bias)
        Self.expectClose(y, expected, bound: bound.scalars)
    }

    /// x·Wᵀ runs on a matmul primitive cached per (m, n, k, α, β): products with different α
    /// interleaved must each get their own, and past the cache's 256 primitives the products
    /// fall back to dnnl_sgemm with the same values.
    @Test func linearProductsKeepTheirScaleAcrossTheCache() throws {
        var random = RandomStream(seed: 46)
        let x = random.normal([Self.m, Self.k]), weight = random.normal([Self.n, Self.k])
        let unscaled = try MatMulTests.naiveMatmul(x, weight, transposeA: false, transposeB: true)
        let bound = try MatMulTests.naiveMatmul(TensorCore.abs(x), TensorCore.abs(weight), transposeA: false,
                                                transposeB: true)
        let scales: [Float] = [1, 0.5, 1, 0.5] + (0..<260).map { 1 + Float($0) / 1024 }
        for (index, scale) in scales.enumerated() where index < 6 || index >= scales.count - 3 {
            let product = try x.matmul(weight, transposeOther: true, scale: scale)
            Self.expectClose(product, unscaled * scale, bound: (bound * scale).scalars)
        }
        for scale in scales.dropFirst(6).dropLast(3) { _ = try x.matmul(weight, transposeOther: true, scale: scale) }
    }

    /// Outer products (k = 1) of at least 2¹⁶ entries are written row by row, in every
    /// transpose mode (with k = 1 the operands' layouts coincide), with α.
    @Test(arguments: MatMulTests.transposeModes.indices)
    func largeOuterProductsMatchTheTripleLoop(mode: Int) throws {
        let (m, n) = (512, 256)
        #expect(m * n >= GEMMBackend.outerProductMinimumEntries)
        let (transposeA, transposeB) = MatMulTests.transposeModes[mode]
        var random = RandomStream(seed: UInt64(50 + mode))
        let a = random.normal(transposeA ? [1, m] : [m, 1]), b = random.normal(transposeB ? [n, 1] : [1, n])
        let product = try a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB, scale: 0.75)
        let expected = try MatMulTests.naiveMatmul(a, b, transposeA: transposeA, transposeB: transposeB) * 0.75
        let bound = try MatMulTests.naiveMatmul(TensorCore.abs(a), TensorCore.abs(b), transposeA: transposeA,
                                                transposeB: transposeB) * 0.75
        Self.expectClose(product, expected, bound: bound.scalars)
    }
}
