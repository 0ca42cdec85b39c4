import PropertyBased
import Testing
@testable import TensorCore

/// oneDNN's convolution primitives against the im2col reference on random geometries
/// (batch 1–2, channels 1–3, kernels up to 3, strides up to 3, padding up to the kernel):
/// forward, both backward passes, and a gradient of a gradient (what gradient penalties take).
@Suite struct OneDNNConvolutionTests {
    @Test func theThreePrimitivesMatchTheIm2colReference() async {
        await propertyCheck(input: Generators.convolution, Gen.int(in: 1...4), Generators.seed) { conv, outChannels, seed throws in
            try expectPrimitivesMatchReference(conv, outChannels: outChannels, seed: seed)
        }
    }

    /// A 1- or 3-channel image into a layer of 16 or more: the first-layer layouts (the input read
    /// in plain NCHW, the output blocked), which the property above (at most 4 outputs) never reaches.
    @Test(arguments: [(1, 16, ConvGeometry(kernel: 3, stride: 1, padding: 1)), (3, 32, ConvGeometry(kernel: 4, stride: 2, padding: 1))])
    func anImageIntoAWideLayerMatchesTheReference(inChannels: Int, outChannels: Int, geometry: ConvGeometry) throws {
        try expectPrimitivesMatchReference(ConvolutionCase(inputShape: [2, inChannels, 8, 8], geometry: geometry),
                                           outChannels: outChannels, seed: 5)
    }

    /// A 3×3 stride-1 layer with 32 or more channels on both sides at batch 16, which oneDNN runs
    /// as Winograd's F(4×4, 3×3) on AVX-512: all three primitives and second order match the
    /// im2col reference. Winograd's rounding error scales with the transformed tiles, not with
    /// each output, so values are compared relative to the largest one (within 10⁻⁵ forward).
    @Test(arguments: [(32, 32, 16), (48, 64, 12)])
    func aWideThreeByThreeLayerMatchesTheReference(inChannels: Int, outChannels: Int, size: Int) throws {
        try expectPrimitivesMatchReference(ConvolutionCase(inputShape: [16, inChannels, size, size],
                                                           geometry: ConvGeometry(kernel: 3, stride: 1, padding: 1)),
                                           outChannels: outChannels, seed: 6, close: isCloseInScale)
    }

    /// Forward, the gradients of ⟨y, r⟩ in x and w, and of the squared norm of ∂⟨y, r⟩/∂x
    /// (second order), oneDNN against im2col.
    private func expectPrimitivesMatchReference(_ conv: ConvolutionCase, outChannels: Int, seed: UInt64,
                                                close isClose: (Tensor, Tensor, Float) -> Bool = isClose) throws {
        var data = TestData(seed: seed)
        let g = conv.geometry
        let x = data.uniform(conv.inputShape).requiringGradient()
        let w = data.uniform([outChannels, conv.inputShape[1], g.kernel.height, g.kernel.width]).requiringGradient()
        let (oh, ow) = conv.outputSize
        let outputShape = [conv.inputShape[0], outChannels, oh, ow]
        let reference = try im2colConvolution(x, weight: w, outputSize: (oh, ow), geometry: g)
        let fast = try OneDNNConvolution.forward(x, w, outputShape: outputShape, g)
        #expect(isClose(fast, reference, 1e-5), "forward, \(conv)")
        let r = data.uniform(outputShape)
        let expected1 = try gradients(of: (reference * r).sum(), wrt: [x, w])
        let actual1 = try gradients(of: (fast * r).sum(), wrt: [x, w])
        #expect(isClose(actual1[0], expected1[0], 1e-4) && isClose(actual1[1], expected1[1], 1e-4),
                "backward, \(conv)")
        let penalty = { (y: Tensor) throws -> Tensor in
            let dx = try gradients(of: (y * r).sum(), wrt: [x], createGraph: true)[0]
            return square(dx).sum()
        }
        let expected = try gradients(of: penalty(reference), wrt: [w])[0]
        let actual = try gradients(of: penalty(fast), wrt: [w])[0]
        #expect(isClose(actual, expected, 1e-3), "second order, \(conv)")
    }

    /// The bias added inside the forward primitive: the same values as adding it afterwards, its
    /// gradient (from backward-weights, in the one first-order call) the sum of dy over batch and
    /// positions, with and without ∂x, and a penalty on ∂/∂x differentiable in it
    /// (zero: the bias does not enter ∂y/∂x) and in w; one primitive per has-bias geometry.
    @Test func theBiasInsideThePrimitiveMatchesAddingItAfterwards() throws {
        var data = TestData(seed: 4)
        let g = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let x = data.uniform([2, 3, 6, 6]).requiringGradient()
        let w = data.uniform([5, 3, 3, 3]).requiringGradient(), b = data.uniform([5]).requiringGradient()
        let fused = try OneDNNConvolution.forward(x, w, bias: b, outputShape: [2, 5, 6, 6], g)
        let separate = try OneDNNConvolution.forward(x, w, outputShape: [2, 5, 6, 6], g) + b.reshaped([1, 5, 1, 1])
        #expect(isClose(fused, separate, tolerance: 1e-6))
        let r = data.uniform([2, 5, 6, 6])
        let actual = try gradients(of: (fused * r).sum(), wrt: [x, w, b])
        let expected = try gradients(of: (separate * r).sum(), wrt: [x, w, b])
        for (a, e) in zip(actual, expected) { #expect(isClose(a, e, tolerance: 1e-5)) }
        // A constant input (an image batch): one backward call without ∂x gives the same ∂w and ∂b.
        let constantInput = try OneDNNConvolution.forward(x.detached, w, bias: b, outputShape: [2, 5, 6, 6], g)
        let withoutInput = try gradients(of: (constantInput * r).sum(), wrt: [w, b])
        #expect(isClose(withoutInput[0], expected[1], tolerance: 1e-5) && isClose(withoutInput[1], expected[2], tolerance: 1e-5))
        let penalty = { (y: Tensor) throws -> Tensor in square(try gradients(of: (y * r).sum(), wrt: [x], createGraph: true)[0]).sum() }
        let secondOrder = try gradients(of: penalty(fused), wrt: [w, b])
        let secondOrderExpected = try gradients(of: penalty(separate), wrt: [w, b])
        #expect(isClose(secondOrder[0], secondOrderExpected[0], tolerance: 1e-3) && secondOrder[1].scalars.allSatisfy { $0 == 0 })
        #expect(throws: TensorError.self) { try conv2d(x, weight: w, bias: data.uniform([4]), geometry: g) }
    }

    /// Leaky ReLU, ReLU and ELU as oneDNN post-ops: the same values as the convolution followed by
    /// the function, the same gradients in x, w and b (the activation's derivative read from the
    /// output), and a penalty on ∂/∂x differentiable through the fused op; a negative slope refused.
    @Test(arguments: [ConvolutionActivation.leakyRelu(slope: 0.1), .relu, .elu])
    func anActivationInsideTheConvolutionMatchesApplyingItAfterwards(activation: ConvolutionActivation) throws {
        var data = TestData(seed: 6)
        let g = ConvGeometry(kernel: 3, stride: 2, padding: 1)
        let x = data.uniform([2, 3, 7, 7]).requiringGradient()
        let w = data.uniform([16, 3, 3, 3]).requiringGradient(), b = data.uniform([16]).requiringGradient()
        let fused = try conv2d(x, weight: w, bias: b, geometry: g, activation: activation)
        let separate = activation(try conv2d(x, weight: w, bias: b, geometry: g))
        #expect(isClose(fused, separate, tolerance: 1e-6))
        try expectSameGradients(fused, separate, input: x, parameters: [w, b], r: data.uniform(fused.shape), tolerance: 1e-5)
        #expect(throws: TensorError.self) { try conv2d(x, weight: w, geometry: g, activation: .leakyRelu(slope: -0.1)) }
    }

    /// A convolution's output keeps its copy in the primitive's layout (blocked at 16 channels,
    /// channels-last at 4): the next convolution reads it instead of reordering, backward-weights
    /// reads its input's copy again; the values and gradients are the same bits as from a plain
    /// copy of the same tensor, and a change in place drops the copy.
    @Test(arguments: [16, 4])
    func layoutCopiesSpareReordersAndChangeNoBits(channels: Int) throws {
        var data = TestData(seed: 9)
        let g = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let x = data.uniform([2, channels, 6, 6])
        let w1 = data.uniform([channels, channels, 3, 3]), w2 = data.uniform([channels, channels, 3, 3]).requiringGradient()
        let r = data.uniform(x.shape)
        let plain = { (t: Tensor) in Tensor(storage: TensorStorage(copying: t.storage.pointer, count: t.count), shape: t.shape) }

        let y1 = try OneDNNConvolution.forward(x, w1, outputShape: x.shape, g)
        #expect(y1.storage.layoutCopy != nil)
        let withCopy = try OneDNNConvolution.forward(y1, w2, outputShape: x.shape, g)
        let forwardReorders = OneDNNConvolution.reordersOfLastCall
        let gradientWithCopy = try gradients(of: (withCopy * r).sum(), wrt: [w2])[0]
        let backwardReorders = OneDNNConvolution.reordersOfLastCall

        let y1Plain = plain(y1)
        let withoutCopy = try OneDNNConvolution.forward(y1Plain, w2, outputShape: x.shape, g)
        #expect(OneDNNConvolution.reordersOfLastCall == forwardReorders + 1)
        y1Plain.storage.layoutCopy = nil  // the forward call kept one for backward-weights
        let gradientWithoutCopy = try gradients(of: (withoutCopy * r).sum(), wrt: [w2])[0]
        #expect(OneDNNConvolution.reordersOfLastCall == backwardReorders + 1)
        #expect(withCopy.scalars == withoutCopy.scalars && gradientWithCopy.scalars == gradientWithoutCopy.scalars)

        var y3 = try OneDNNConvolution.forward(x, w1, outputShape: x.shape, g)
        let storage = ObjectIdentifier(y3.storage)
        y3.withUnsafeMutableScalars { $0[0] += 1 }
        #expect(ObjectIdentifier(y3.storage) == storage && y3.storage.layoutCopy == nil)
        #expect(try OneDNNConvolution.forward(y3, w2, outputShape: x.shape, g).scalars
                == OneDNNConvolution.forward(plain(y3), w2, outputShape: x.shape, g).scalars)
    }

    /// Two convolutions with leaky ReLUs inside: the first's output goes to the second in the
    /// primitives' layout (its plain buffer written only when read), and so do the gradients back
    /// (the activation's gradient computed in that layout); values, gradients and a gradient
    /// penalty match the im2col reference.
    @Test(arguments: [16, 4])
    func aChainOfConvolutionsInThePrimitivesLayoutMatchesTheReference(channels: Int) throws {
        var data = TestData(seed: 10)
        let g = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let x = data.uniform([2, channels, 6, 6]).requiringGradient()
        let w1 = data.uniform([channels, channels, 3, 3]).requiringGradient()
        let w2 = data.uniform([channels, channels, 3, 3]).requiringGradient()
        let r = data.uniform(x.shape)
        let act = ConvolutionActivation.leakyRelu(slope: 0.2)
        let hidden = try OneDNNConvolution.forward(x, w1, activation: act, outputShape: x.shape, g)
        #expect(hidden.storage.isPlainPending)
        let y = try OneDNNConvolution.forward(hidden, w2, activation: act, outputShape: x.shape, g)
        let reference = act(try im2colConvolution(act(try im2colConvolution(x, weight: w1, outputSize: (6, 6), geometry: g)),
                                                  weight: w2, outputSize: (6, 6), geometry: g))
        // Two layers of 144-term sums in another order than im2col's: rounding reaches ~1e-5.
        #expect(isClose(y, reference, tolerance: 1e-4))
        try expectSameGradients(y, reference, input: x, parameters: [w1, w2], r: r, tolerance: 1e-4)
    }

    /// The gradients of ⟨y, r⟩ in the input and the parameters (to `tolerance`), and of the
    /// squared norm of ∂⟨y, r⟩/∂input in the parameters (second order, to 1e-3), equal those of
    /// `expected`.
    private func expectSameGradients(_ y: Tensor, _ expected: Tensor, input: Tensor, parameters: [Tensor], r: Tensor,
                                     tolerance: Float) throws {
        let actualFirst = try gradients(of: (y * r).sum(), wrt: [input] + parameters)
        let expectedFirst = try gradients(of: (expected * r).sum(), wrt: [input] + parameters)
        for (a, e) in zip(actualFirst, expectedFirst) { #expect(isClose(a, e, tolerance: tolerance)) }
        let penalty = { (y: Tensor) throws -> Tensor in
            square(try gradients(of: (y * r).sum(), wrt: [input], createGraph: true)[0]).sum()
        }
        let actualSecond = try gradients(of: penalty(y), wrt: parameters)
        let expectedSecond = try gradients(of: penalty(expected), wrt: parameters)
        for (a, e) in zip(actualSecond, expectedSecond) { #expect(isClose(a, e, tolerance: 1e-3)) }
    }

    @Test func theTransposedConvolutionMatchesItsReference() throws {
        var data = TestData(seed: 3)
        let g = ConvGeometry(kernel: 4, stride: 2, padding: 1)
        let x = data.uniform([2, 3, 5, 5])
        let w = data.uniform([3, 2, 4, 4])
        let reference = try col2imTransposedConvolution(x, weight: w, outputShape: [2, 2, 10, 10], geometry: g)
        #expect(isClose(try OneDNNConvolution.backwardData(x, w, inputShape: [2, 2, 10, 10], g), reference, tolerance: 1e-5))
    }
}
