import PropertyBased
import Testing
import TensorCore

/// Convolution kernels on random geometries (including padding larger than the kernel
/// and strides larger than the kernel) against the naive definitions, and the
/// adjointness of im2col and col2im.
@Suite struct ConvolutionPropertyTests {
    @Test func im2colMatchesTheDefinition() async {
        await propertyCheck(input: Generators.convolution, Generators.seed) { conv, seed throws in
            var data = TestData(seed: seed)
            let x = data.uniform(conv.inputShape)
            #expect(isIdentical(try x.im2col(conv.geometry), NaiveConvolution.im2col(x, conv.geometry)))
        }
    }

    @Test func col2imIsTheAdjointOfIm2col() async {
        await propertyCheck(input: Generators.convolution, Generators.seed) { conv, seed throws in
            var data = TestData(seed: seed)
            let x = data.uniform(conv.inputShape)
            let columns = try x.im2col(conv.geometry)
            let c = data.uniform(columns.shape)
            let lhs = innerProduct(columns, c)
            let rhs = innerProduct(x, try c.col2im(inputShape: conv.inputShape, conv.geometry))
            #expect(Swift.abs(lhs - rhs) <= 1e-5 * (1 + Swift.abs(lhs)), "\(lhs) vs \(rhs)")
        }
    }

    /// Inputs big enough (over 2²⁰ elements touched) for im2col and col2im to split their
    /// channels across threads when OpenBLAS runs several: the same results as the definition,
    /// and col2im sums every window into the right pixel (the adjoint identity, in Float64).
    @Test(arguments: [ConvGeometry(kernel: 3, stride: 1, padding: 1), ConvGeometry(kernel: 4, stride: 2, padding: 1)])
    func largeInputsSplitAcrossThreadsAgree(geometry: ConvGeometry) throws {
        var data = TestData(seed: 31)
        let x = data.uniform([4, 8, 96, 96])
        let columns = try x.im2col(geometry)
        #expect(columns.count >= 1 << 20)
        #expect(isIdentical(columns, NaiveConvolution.im2col(x, geometry)))
        let c = data.uniform(columns.shape)
        let lhs = innerProduct(columns, c), rhs = innerProduct(x, try c.col2im(inputShape: x.shape, geometry))
        #expect(Swift.abs(lhs - rhs) <= 1e-6 * (1 + Swift.abs(lhs)), "\(lhs) vs \(rhs)")
    }

    @Test func conv2dMatchesDirectConvolution() async {
        await propertyCheck(input: Generators.convolution, Gen.int(in: 1...3), Generators.seed) { conv, outChannels, seed throws in
            var data = TestData(seed: seed)
            let g = conv.geometry
            let x = data.uniform(conv.inputShape)
            let w = data.uniform([outChannels, conv.inputShape[1], g.kernel.height, g.kernel.width])
            let bias = data.uniform([outChannels])
            let fast = try conv2d(x, weight: w, bias: bias, geometry: g)
            #expect(isClose(fast, NaiveConvolution.conv2d(x, weight: w, bias: bias, g), tolerance: 1e-5))
        }
    }

    @Test func convTranspose2dMatchesScatterDefinition() async {
        await propertyCheck(input: Generators.convolution, Gen.int(in: 1...3), Generators.seed) { conv, outChannels, seed throws in
            var data = TestData(seed: seed)
            let g = conv.geometry
            // Read the generated case as the transposed convolution's output geometry.
            let (h, w) = conv.outputSize
            let x = data.uniform([conv.inputShape[0], conv.inputShape[1], h, w])
            let weight = data.uniform([conv.inputShape[1], outChannels, g.kernel.height, g.kernel.width])
            let outputPadding = Swift.min(g.stride.height, g.stride.width) > 1 ? Int(seed % 2) : 0
            let outHeight = (h - 1) * g.stride.height - g.padding.height - g.paddingEnd.height + g.kernel.height + outputPadding
            let outWidth = (w - 1) * g.stride.width - g.padding.width - g.paddingEnd.width + g.kernel.width + outputPadding
            guard outHeight > 0 && outWidth > 0 else {
                // Padding that swallows the whole output is an error, not a trap.
                #expect(throws: TensorError.self) { try convTranspose2d(x, weight: weight, geometry: g, outputPadding: outputPadding) }
                return
            }
            let fast = try convTranspose2d(x, weight: weight, geometry: g, outputPadding: outputPadding)
            let naive = NaiveConvolution.convTranspose2d(x, weight: weight, g, outputPadding: outputPadding)
            #expect(isClose(fast, naive, tolerance: 1e-5), "\(fast) vs \(naive)")
        }
    }
}
