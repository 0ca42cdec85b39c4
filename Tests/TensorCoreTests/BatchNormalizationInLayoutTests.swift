import Testing
@testable import TensorCore

/// Batch normalisation in training mode on a convolution's output whose values live only in the
/// primitive's layout (a generator's layer between transposed convolutions): statistics, output
/// and — with the gradient in the same layout — every gradient computed there, bit for bit the
/// NCHW kernels' results, the output and the input gradient still in the layout; blocked (32
/// channels; 24, padded to 32) and channels-last (8).
@Suite struct BatchNormalizationInLayoutTests {
    @Test(arguments: [32, 24, 8])
    func theLayoutGivesTheNCHWBits(channels: Int) throws {
        var data = TestData(seed: 43)
        let geometry = ConvGeometry(kernel: 3, stride: 1, padding: 1)
        let shape = [3, channels, 5, 5]
        let input = (data.uniform(shape) - 0.5).requiringGradient(), w = data.uniform([channels, channels, 3, 3]) - 0.5
        let x = try OneDNNConvolution.forward(input, w, outputShape: shape, geometry)
        let dy = try OneDNNConvolution.forward(data.uniform(shape) - 0.5, w, outputShape: shape, geometry)
        #expect(x.storage.isPlainPending && dy.storage.isPlainPending)
        let weight = data.uniform([channels]).requiringGradient(), bias = data.uniform([channels]).requiringGradient()

        let inLayout = try batchNormalization(x, weight: weight, bias: bias, epsilon: 1e-5)
        #expect(inLayout.output.storage.isPlainPending)
        let gradients = try TensorCore.gradients(of: inLayout.output, wrt: [x, weight, bias], seed: dy)
        #expect(gradients[0].storage.isPlainPending && x.storage.isPlainPending && dy.storage.isPlainPending)

        let plain = { (t: Tensor) in Tensor(storage: TensorStorage(copying: t.storage.pointer, count: t.count), shape: t.shape) }
        let xPlain = plain(x).requiringGradient()
        let reference = try batchNormalization(xPlain, weight: weight, bias: bias, epsilon: 1e-5)
        let expected = try TensorCore.gradients(of: reference.output, wrt: [xPlain, weight, bias], seed: plain(dy))
        #expect(inLayout.output.scalars == reference.output.scalars)
        #expect(inLayout.mean.scalars == reference.mean.scalars && inLayout.variance.scalars == reference.variance.scalars)
        for (actual, wanted) in zip(gradients, expected) { #expect(actual.scalars == wanted.scalars) }
    }
}
