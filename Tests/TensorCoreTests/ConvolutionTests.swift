import Testing
import TensorCore

/// Convolutions, pooling and upsampling: finite-difference gradients and values against
/// the naive definitions.
@Suite struct ConvolutionTests {
    /// (input shape [B, C, H, W], output channels, geometry) for conv2d.
    static let convCases: [(input: [Int], outChannels: Int, geometry: ConvGeometry)] = [
        ([2, 3, 5, 4], 2, ConvGeometry(kernel: 3, stride: 1, padding: 1)),
        ([1, 2, 6, 6], 3, ConvGeometry(kernel: 4, stride: 2, padding: 1)),
        ([1, 2, 8, 6], 2, ConvGeometry(kernel: 4, stride: 2, padding: 1)),
        ([2, 2, 5, 4], 2, ConvGeometry(kernel: (2, 3), stride: (2, 1), padding: (0, 1))),
        ([1, 3, 3, 5], 2, ConvGeometry(kernel: 1)),
        ([1, 1, 4, 3], 2, ConvGeometry(kernel: 3, stride: 3, padding: 2)),
    ]

    @Test(arguments: convCases.indices)
    func conv2dGradientsAndValues(index: Int) throws {
        let (shape, outChannels, g) = Self.convCases[index]
        var data = TestData(seed: 90 + UInt64(index))
        let x = data.uniform(shape)
        let w = data.uniform([outChannels, shape[1], g.kernel.height, g.kernel.width])
        let bias = data.uniform([outChannels])
        try expectGradientsMatch([x, w, bias]) { try conv2d($0[0], weight: $0[1], bias: $0[2], geometry: g) }
        let fast = try conv2d(x, weight: w, bias: bias, geometry: g)
        let naive = NaiveConvolution.conv2d(x, weight: w, bias: bias, g)
        #expect(isClose(fast, naive), "\(fast) vs \(naive)")
    }

    /// (input shape [B, C, H, W], output channels, geometry, outputPadding) for convTranspose2d.
    static let transposedCases: [(input: [Int], outChannels: Int, geometry: ConvGeometry, outputPadding: Int)] = [
        ([1, 3, 3, 4], 2, ConvGeometry(kernel: 4, stride: 2, padding: 1), 0),
        ([2, 2, 3, 3], 2, ConvGeometry(kernel: 3, stride: 2, padding: 1), 1),
        ([1, 2, 4, 3], 3, ConvGeometry(kernel: (3, 2), stride: (1, 2), padding: (1, 0)), 0),
        ([1, 2, 2, 3], 1, ConvGeometry(kernel: 3, stride: 1, padding: 0), 0),
    ]

    @Test(arguments: transposedCases.indices)
    func convTranspose2dGradientsAndValues(index: Int) throws {
        let (shape, outChannels, g, outputPadding) = Self.transposedCases[index]
        var data = TestData(seed: 100 + UInt64(index))
        let x = data.uniform(shape)
        let w = data.uniform([shape[1], outChannels, g.kernel.height, g.kernel.width])
        let bias = data.uniform([outChannels])
        try expectGradientsMatch([x, w, bias]) {
            try convTranspose2d($0[0], weight: $0[1], bias: $0[2], geometry: g, outputPadding: outputPadding)
        }
        let fast = try convTranspose2d(x, weight: w, geometry: g, outputPadding: outputPadding)
        let naive = NaiveConvolution.convTranspose2d(x, weight: w, g, outputPadding: outputPadding)
        #expect(isClose(fast, naive), "\(fast) vs \(naive)")
    }

    @Test func convTransposeIsTheInputAdjointOfConv() throws {
        // <conv(x, w), y> == <x, convT(y, w)> when convT's output has x's size.
        var data = TestData(seed: 110)
        let g = ConvGeometry(kernel: 4, stride: 2, padding: 1)
        let x = data.uniform([2, 3, 6, 8]), w = data.uniform([4, 3, 4, 4])
        let y = data.uniform([2, 4, 3, 4])
        let lhs = innerProduct(try conv2d(x, weight: w, geometry: g), y)
        let rhs = innerProduct(x, try convTranspose2d(y, weight: w, geometry: g))
        #expect(Swift.abs(lhs - rhs) < 1e-4 * (1 + Swift.abs(lhs)))
    }

    @Test func im2colAndCol2imGradients() throws {
        var data = TestData(seed: 111)
        let g = ConvGeometry(kernel: (3, 2), stride: (2, 1), padding: (1, 1))
        let x = data.uniform([2, 2, 5, 4])
        try expectGradientsMatch([x]) { try $0[0].im2col(g) }
        let columns = try x.im2col(g)
        #expect(isIdentical(columns, NaiveConvolution.im2col(x, g)))
        try expectGradientsMatch([data.uniform(columns.shape)]) { try $0[0].col2im(inputShape: x.shape, g) }
    }

    @Test func handDerivedConvolution() throws {
        // A 3×3 box filter with padding 1 over ones counts the in-image neighbours.
        let c = try conv2d(Tensor.ones([1, 1, 3, 3]), weight: Tensor.ones([1, 1, 3, 3]), geometry: ConvGeometry(kernel: 3, padding: 1))
        #expect(c.scalars == [4, 6, 4, 6, 9, 6, 4, 6, 4])
        // Stride 2 transposed convolution of a single 1 pastes the kernel.
        let kernel = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let t = try convTranspose2d(Tensor.ones([1, 1, 1, 2]), weight: kernel, geometry: ConvGeometry(kernel: 2, stride: 2))
        #expect(t.shape == [1, 1, 2, 4] && t.scalars == [1, 2, 1, 2, 3, 4, 3, 4])
    }

    static let poolGeometries = [
        ConvGeometry(kernel: 2, stride: 2), ConvGeometry(kernel: 3, stride: 1), ConvGeometry(kernel: (2, 3), stride: (1, 2), padding: (0, 0)),
    ]

    @Test(arguments: poolGeometries)
    func poolingGradientsAndValues(g: ConvGeometry) throws {
        var data = TestData(seed: 120)
        let x = data.distinct([2, 2, 4, 5])
        try expectGradientsMatch([x]) { try avgPool2d($0[0], geometry: g) }
        try expectGradientsMatch([x]) { try maxPool2d($0[0], geometry: g) }
        #expect(isClose(try avgPool2d(x, geometry: g), NaiveConvolution.pool(x, g, maximum: false)))
        #expect(isIdentical(try maxPool2d(x, geometry: g), NaiveConvolution.pool(x, g, maximum: true)))
    }

    @Test func averagePoolingCountsPadding() throws {
        let g = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let pooled = try avgPool2d(Tensor.ones([1, 1, 2, 2]), geometry: g)
        #expect(isClose(pooled, Tensor.full([1, 1, 2, 2], 4.0 / 9)))
        var data = TestData(seed: 121)
        try expectGradientsMatch([data.uniform([1, 2, 3, 3])]) { try avgPool2d($0[0], geometry: g) }
    }

    @Test func upsampleNearest() throws {
        var data = TestData(seed: 122)
        try expectGradientsMatch([data.uniform([2, 1, 2, 3])]) { try TensorCore.upsampleNearest($0[0], scale: 2) }
        let x = try Tensor(shape: [1, 1, 1, 2], scalars: [1, 2])
        #expect(try TensorCore.upsampleNearest(x, scale: 2).scalars == [1, 1, 2, 2, 1, 1, 2, 2])
    }
}
