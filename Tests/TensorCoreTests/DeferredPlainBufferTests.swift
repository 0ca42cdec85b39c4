import Testing
@testable import TensorCore

/// A convolution's output whose values stay in the primitive's layout (`TensorStorage` with its
/// plain buffer unwritten): every reader sees the plain values, written once — from several
/// threads, from inside the kernel team — and consumers that want another layout get them too.
@Suite struct DeferredPlainBufferTests {
    private let geometry = ConvGeometry(kernel: 3, stride: 1, padding: 1)

    /// A convolution's output at 16 channels (blocked layout), its plain buffer unwritten.
    private func pendingOutput(_ data: inout TestData, shape: [Int]) throws -> Tensor {
        let x = data.uniform(shape), w = data.uniform([shape[1], shape[1], 3, 3])
        let y = try OneDNNConvolution.forward(x, w, outputShape: shape, geometry)
        #expect(y.storage.isPlainPending)
        return y
    }

    private func plainCopy(_ t: Tensor) -> Tensor {
        Tensor(storage: TensorStorage(copying: t.storage.pointer, count: t.count), shape: t.shape)
    }

    @Test func theValuesAreTheConvolutionsWhoeverReadsThemFirst() async throws {
        var data = TestData(seed: 21)
        let x = data.uniform([2, 16, 8, 8]), w = data.uniform([16, 16, 3, 3])
        let reference = try im2colConvolution(x, weight: w, outputSize: (8, 8), geometry: geometry)
        let y = try OneDNNConvolution.forward(x, w, outputShape: x.shape, geometry)
        let readers = await withTaskGroup(of: [Float].self) { group in
            for _ in 0..<8 { group.addTask { y.scalars } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(readers.allSatisfy { $0 == readers[0] })
        #expect(isClose(y, reference, tolerance: 1e-5))
        #expect(!y.storage.isPlainPending && y.storage.layoutCopy != nil)
    }

    /// Read inside a pass split over the kernel team (2¹⁸ elements): the team's thread writes the
    /// plain buffer itself instead of waiting for the worker it is part of.
    @Test func aPassOnTheKernelTeamCanReadIt() throws {
        var data = TestData(seed: 22)
        let y = try pendingOutput(&data, shape: [4, 16, 64, 64])
        let sums = TensorStorage(uninitializedCount: y.shape[0])
        let perSample = y.count / y.shape[0]
        KernelThreads.forEachPart(of: y.shape[0], work: y.count) { samples in
            for s in samples { sums.pointer[s] = (0..<perSample).reduce(0) { $0 + y.storage.pointer[s * perSample + $1] } }
        }
        let expected = plainCopy(y).scalars
        for s in 0..<y.shape[0] {
            #expect(sums.pointer[s] == (0..<perSample).reduce(0) { $0 + expected[s * perSample + $1] })
        }
    }

    /// Into a convolution with fewer than 16 channels (channels-last): the blocked copy does not
    /// serve, so it is reordered straight into the layout the primitive wants — the same result
    /// as a plain input, and the input's plain buffer still unwritten, its copy still its own.
    @Test func aConsumerWantingAnotherLayoutGetsTheValuesAcross() throws {
        var data = TestData(seed: 23)
        let y = try pendingOutput(&data, shape: [2, 16, 8, 8])
        let copy = y.storage.layoutCopy
        let w = data.uniform([4, 16, 3, 3])
        let fromPending = try OneDNNConvolution.forward(y, w, outputShape: [2, 4, 8, 8], geometry)
        #expect(y.storage.isPlainPending && y.storage.layoutCopy === copy)
        let fromPlain = try OneDNNConvolution.forward(plainCopy(y), w, outputShape: [2, 4, 8, 8], geometry)
        #expect(fromPending.scalars == fromPlain.scalars)
    }

    /// A gradient whose values live only in a channels-last copy (the output of an 8-channel
    /// convolution) into the backward pass of a 32 → 8 convolution, whose primitives want the
    /// blocked layout: reordered across, the same ∂x and ∂w bits as from its plain values, and
    /// its plain buffer never written.
    @Test func aGradientInAnotherLayoutGoesStraightIntoTheBackwardPrimitives() throws {
        var data = TestData(seed: 26)
        let narrow = try OneDNNConvolution.forward(data.uniform([2, 4, 8, 8]), data.uniform([8, 4, 3, 3]),
                                                   outputShape: [2, 8, 8, 8], geometry)
        #expect(narrow.storage.isPlainPending)
        let x = data.uniform([2, 32, 8, 8]).requiringGradient(), w = data.uniform([8, 32, 3, 3]).requiringGradient()
        let output = try OneDNNConvolution.forward(x, w, outputShape: [2, 8, 8, 8], geometry)
        let acrossLayouts = try gradients(of: output, wrt: [x, w], seed: narrow)
        #expect(narrow.storage.isPlainPending)
        let fromPlain = try gradients(of: output, wrt: [x, w], seed: plainCopy(narrow))
        #expect(acrossLayouts[0].scalars == fromPlain[0].scalars && acrossLayouts[1].scalars == fromPlain[1].scalars)
    }

    /// The gradient of a fused leaky ReLU between two convolutions, computed in their layout when
    /// the incoming gradient is in it: the same bits as on the plain buffers.
    @Test func theActivationsGradientInTheLayoutEqualsThePlainOne() throws {
        var data = TestData(seed: 24)
        let pendingGradient = try pendingOutput(&data, shape: [2, 32, 8, 8])
        let output = try OneDNNConvolution.forward(data.uniform([2, 32, 8, 8]), data.uniform([32, 32, 3, 3]),
                                                   activation: .leakyRelu(slope: 0.2), outputShape: [2, 32, 8, 8], geometry)
        let inLayout = leakyReluGradient(pendingGradient, output, slope: 0.2)
        #expect(inLayout.storage.isPlainPending)
        let plain = leakyReluGradient(plainCopy(pendingGradient), plainCopy(output), slope: 0.2)
        #expect(inLayout.scalars == plain.scalars)
    }

    /// A residual block between convolutions, `h + conv(relu(h))` with h a convolution's output:
    /// the ReLU and the sum are computed in the primitives' layout (results unwritten), the
    /// convolution reads the ReLU without a reorder, and every value equals the plain
    /// computation's bit for bit — at 24 channels too, where the blocked layout pads to 32 and
    /// the padding must stay zero for the next primitive. Division (0 / 0) stays plain.
    @Test(arguments: [32, 24])
    func aResidualBlockStaysInTheLayout(channels: Int) throws {
        var data = TestData(seed: 27)
        let shape = [2, channels, 6, 6]
        let w = data.uniform([channels, channels, 3, 3]), w2 = data.uniform([channels, channels, 3, 3])
        let h = try pendingOutput(&data, shape: shape)
        let activated = relu(h)
        #expect(activated.storage.isPlainPending && h.storage.isPlainPending, "the ReLU read h's copy")
        let branch = try OneDNNConvolution.forward(activated, w, outputShape: shape, geometry)
        let reordersFromLayout = OneDNNConvolution.reordersOfLastCall
        let sum = try h + branch
        #expect(sum.storage.isPlainPending)
        let next = try OneDNNConvolution.forward(sum, w2, outputShape: shape, geometry)

        let hPlain = plainCopy(h)
        let branchPlain = try OneDNNConvolution.forward(relu(hPlain), w, outputShape: shape, geometry)
        #expect(OneDNNConvolution.reordersOfLastCall == reordersFromLayout + 1, "a plain input is reordered")
        let sumPlain = try hPlain + plainCopy(branchPlain)
        #expect(!sumPlain.storage.isPlainPending)
        let nextPlain = try OneDNNConvolution.forward(sumPlain, w2, outputShape: shape, geometry)
        #expect(activated.scalars == relu(hPlain).scalars && branch.scalars == branchPlain.scalars)
        #expect(sum.scalars == sumPlain.scalars && next.scalars == nextPlain.scalars)

        // A plain operand with the copy a convolution kept of its input (which has no way back to
        // the plain layout): the sum takes the pending operand's, and reads out the same values.
        _ = try OneDNNConvolution.forward(hPlain, w.requiringGradient(), outputShape: shape, geometry)
        #expect(hPlain.storage.layoutCopy != nil && !hPlain.storage.isPlainPending)
        let pendingBranch = try OneDNNConvolution.forward(activated, w, outputShape: shape, geometry)
        let withInputCopy = try hPlain + pendingBranch
        #expect(withInputCopy.storage.isPlainPending && withInputCopy.scalars == sumPlain.scalars)

        let divisor = try pendingOutput(&data, shape: shape)
        let quotient = try h / divisor
        #expect(!quotient.storage.isPlainPending && quotient.storage.layoutCopy == nil)
    }

    /// The input gradient alone (weights frozen, as in a generator step through the
    /// discriminator) stays in the layout, and matches the reference.
    @Test func anInputGradientThroughFrozenWeightsMatchesTheReference() throws {
        var data = TestData(seed: 25)
        let x = data.uniform([2, 16, 8, 8]).requiringGradient(), w = data.uniform([16, 16, 3, 3])
        let r = data.uniform(x.shape)
        let y = try OneDNNConvolution.forward(x, w, outputShape: x.shape, geometry)
        let dx = try gradients(of: (y * r).sum(), wrt: [x])[0]
        let reference = try im2colConvolution(x, weight: w, outputSize: (8, 8), geometry: geometry)
        let expected = try gradients(of: (reference * r).sum(), wrt: [x])[0]
        #expect(isClose(dx, expected, tolerance: 1e-4))
    }

    /// A change in place first writes the values out of the copy, then drops it.
    @Test func aChangeInPlaceKeepsTheOtherValues() throws {
        var data = TestData(seed: 26)
        let x = data.uniform([2, 16, 4, 4]), w = data.uniform([16, 16, 3, 3])
        var y = try OneDNNConvolution.forward(x, w, outputShape: x.shape, geometry)
        let before = try OneDNNConvolution.forward(x, w, outputShape: x.shape, geometry).scalars
        #expect(y.storage.isPlainPending)
        y.withUnsafeMutableScalars { $0[0] += 1 }
        #expect(y.storage.layoutCopy == nil && !y.storage.isPlainPending)
        #expect(Array(y.scalars.dropFirst()) == Array(before.dropFirst()) && y.scalars[0] == before[0] + 1)
    }
}
