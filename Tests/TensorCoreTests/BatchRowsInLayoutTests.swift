import Testing
@testable import TensorCore

/// The batch-axis operations of an equivariant layer between convolutions — the batch mean, the
/// sum that broadcasts its response over the batch, and back the batch sum of a gradient and its
/// broadcast — computed in the primitives' layout when their operand has its values only there:
/// results still pending (no reorder to NCHW) and bit for bit the plain kernels' results, in the
/// blocked layout (32 channels; 24, padded to 32) and channels-last (8 channels).
@Suite struct BatchRowsInLayoutTests {
    private let geometry = ConvGeometry(kernel: 3, stride: 1, padding: 1)

    /// A convolution's output `[rows, channels, 5, 5]`, its values only in the primitive's layout.
    private func pendingOutput(_ data: inout TestData, rows: Int, channels: Int) throws -> Tensor {
        let x = data.uniform([rows, channels, 5, 5]) - 0.5, w = data.uniform([channels, channels, 3, 3]) - 0.5
        let y = try OneDNNConvolution.forward(x, w, outputShape: x.shape, geometry)
        #expect(y.storage.isPlainPending)
        return y
    }

    private func plainCopy(_ t: Tensor) -> Tensor {
        Tensor(storage: TensorStorage(copying: t.storage.pointer, count: t.count), shape: t.shape)
    }

    @Test(arguments: [32, 24, 8])
    func theBatchMeanAndItsBroadcastStayInTheLayout(channels: Int) throws {
        var data = TestData(seed: 40)
        let x = try pendingOutput(&data, rows: 6, channels: channels)
        let mean = try x.mean(alongAxes: [0], keepingDimensions: true)
        let sum = try x.sum(alongAxes: [0], keepingDimensions: true)
        #expect(mean.storage.isPlainPending && sum.storage.isPlainPending && x.storage.isPlainPending)
        let xPlain = plainCopy(x)
        #expect(mean.scalars == (try xPlain.mean(alongAxes: [0], keepingDimensions: true)).scalars)
        #expect(sum.scalars == (try xPlain.sum(alongAxes: [0], keepingDimensions: true)).scalars)

        let row = try pendingOutput(&data, rows: 1, channels: channels)
        let broadcast = try row.broadcast(to: [6, channels, 5, 5])
        let scaled = try row * Tensor(0.25), divided = try row / Tensor(3)
        #expect(broadcast.storage.isPlainPending && scaled.storage.isPlainPending && divided.storage.isPlainPending)
        let rowPlain = plainCopy(row)  // (reading row's values writes its plain buffer)
        #expect(broadcast.scalars == (try rowPlain.broadcast(to: [6, channels, 5, 5])).scalars)
        #expect(scaled.scalars == (try rowPlain * Tensor(0.25)).scalars)
        #expect(divided.scalars == (try rowPlain / Tensor(3)).scalars)
        let another = try pendingOutput(&data, rows: 1, channels: channels)
        #expect(!(try another + Tensor(1)).storage.isPlainPending, "adding a scalar would spoil the zero padding")
    }

    @Test(arguments: [32, 24, 8])
    func aRowBroadcastOverTheBatchStaysInTheLayout(channels: Int) throws {
        var data = TestData(seed: 41)
        let x = try pendingOutput(&data, rows: 6, channels: channels)
        let row = try pendingOutput(&data, rows: 1, channels: channels)
        let results = [try x + row, try row - x, try x * row]
        #expect(results.allSatisfy { $0.storage.isPlainPending && $0.shape == x.shape })
        #expect(!(try x / row).storage.isPlainPending, "division stays plain")
        let (xPlain, rowPlain) = (plainCopy(x), plainCopy(row))
        let plain = [try xPlain + rowPlain, try rowPlain - xPlain, try xPlain * rowPlain]
        for (result, expected) in zip(results, plain) { #expect(result.scalars == expected.scalars) }
    }

    /// `conv_Λ(x) + conv_Γ(mean_b x)` then a leaky ReLU, with x a convolution's output (the
    /// layer of `EquivariantConv2D` between two others): x's plain buffer is never written,
    /// forward or backward (the mean's gradient is broadcast back to x in the layout), and the
    /// output and the gradients of all three kernels match the im2col reference.
    @Test(arguments: [32, 8])
    func anEquivariantLayerNeverLeavesTheLayout(channels: Int) throws {
        var data = TestData(seed: 42)
        let input = data.uniform([4, channels, 5, 5]) - 0.5
        let w = (data.uniform([channels, channels, 3, 3]) - 0.5).requiringGradient()
        let lambda = (data.uniform([channels, channels, 3, 3]) - 0.5).requiringGradient()
        let gamma = (data.uniform([channels, channels, 3, 3]) - 0.5).requiringGradient()
        let r = data.uniform(input.shape)
        let layer = { (x: Tensor, convolution: (Tensor, Tensor) throws -> Tensor) throws -> Tensor in
            leakyRelu(try convolution(x, lambda) + convolution(try x.mean(alongAxes: [0], keepingDimensions: true), gamma),
                      slope: 0.2)
        }
        let x = try OneDNNConvolution.forward(input, w, outputShape: input.shape, geometry)
        let y = try layer(x) { try OneDNNConvolution.forward($0, $1, outputShape: [$0.shape[0], channels, 5, 5], geometry) }
        #expect(y.storage.isPlainPending)
        let gradients = try TensorCore.gradients(of: (y * r).sum(), wrt: [w, lambda, gamma])
        #expect(x.storage.isPlainPending, "x was read in the layout only")

        let xReference = try im2colConvolution(input, weight: w, outputSize: (5, 5), geometry: geometry)
        let reference = try layer(xReference) {
            try im2colConvolution($0, weight: $1, outputSize: (5, 5), geometry: geometry)
        }
        #expect(isClose(y, reference, tolerance: 1e-5))
        let expected = try TensorCore.gradients(of: (reference * r).sum(), wrt: [w, lambda, gamma])
        for (actual, wanted) in zip(gradients, expected) { #expect(isClose(actual, wanted, tolerance: 1e-4)) }
    }
}
