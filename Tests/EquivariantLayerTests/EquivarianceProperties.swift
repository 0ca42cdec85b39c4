import EquivariantLayer
import NeuralNet
import PropertyBased
import TensorCore
import Testing

/// Permutation equivariance and invariance over random batch sizes (1–64), feature
/// sizes, image sizes and seeds: ≥ 200 random cases per property.
@Suite struct EquivarianceProperties {
    static let cases = 200

    @Test func denseLayerIsEquivariant() async {
        await propertyCheck(count: Self.cases, input: Gen.int(in: 1...64), Gen.int(in: 1...6), Gen.int(in: 1...6),
                            Gen.uint64()) { batch, inputSize, outputSize, seed in
            var rng = RandomStream(seed: seed)
            let layer = EquivariantDense(inputSize: inputSize, outputSize: outputSize, random: &rng)
            let x = rng.normal([batch, inputSize])
            let order = rng.permutation(batch)
            let y = try layer(x)
            let yOfPermuted = try layer(permuteRows(x, order))
            #expect(maxAbsDifference(yOfPermuted, try permuteRows(y, order)) <= 1e-5 * magnitude(y))
        }
    }

    @Test func convolutionalLayerIsEquivariant() async {
        await propertyCheck(count: Self.cases, input: Gen.int(in: 1...64), Gen.int(in: 1...3), Gen.int(in: 4...7),
                            Gen.int(in: 0...3), Gen.uint64()) { batch, channels, size, geometryIndex, seed in
            var rng = RandomStream(seed: seed)
            let (kernel, stride, padding) = [(1, 1, 0), (3, 1, 1), (4, 2, 1), (3, 2, 0)][geometryIndex]
            let layer = EquivariantConv2D(inputChannels: channels, outputChannels: 2, kernelSize: kernel,
                                          stride: stride, padding: padding, random: &rng)
            let x = rng.normal([batch, channels, size, size + 1])
            let order = rng.permutation(batch)
            let y = try layer(x)
            let yOfPermuted = try layer(permuteRows(x, order))
            #expect(maxAbsDifference(yOfPermuted, try permuteRows(y, order)) <= 1e-5 * magnitude(y))
        }
    }

    /// The reduced network (Eq. 4.10) gives the same output for every order of the
    /// samples, for each reduction, in training and evaluation mode.
    @Test func invariantNetworkIsInvariant() async {
        await propertyCheck(count: Self.cases, input: Gen.int(in: 1...64), Gen.int(in: 1...4),
                            Gen.element(of: BatchReduction.allCases), Gen.bool, Gen.uint64()) { batch, inputSize, reduction, training, seed in
            var rng = RandomStream(seed: seed)
            let network = InvariantNetwork(
                body: .perceptron(inputSize: inputSize, hiddenSizes: [8, 8], outputSize: 2,
                                  activation: { TestLeakyReLU() }, random: &rng),
                reduction: reduction!)
            if training { network.train() } else { network.eval() }
            let x = rng.normal([batch, inputSize])
            let order = rng.permutation(batch)
            let out = try network(x)
            #expect(out.shape == [2])
            #expect(maxAbsDifference(try network(permuteRows(x, order)), out) <= 1e-5 * magnitude(out))
        }
    }

    /// ∇_x f(πx) = π ∇_x f(x) for the invariant network f.
    @Test func gradientsArePermutedWithTheInput() async {
        await propertyCheck(count: Self.cases, input: Gen.int(in: 1...32), Gen.int(in: 1...4), Gen.bool, Gen.uint64()) { batch, inputSize, convolutional, seed in
            var rng = RandomStream(seed: seed)
            let network: any Layer = convolutional
                ? InvariantNetwork(body: EquivariantNetwork([
                    EquivariantConv2D(inputChannels: inputSize, outputChannels: 3, kernelSize: 3, padding: 1, random: &rng),
                    TestLeakyReLU(),
                    EquivariantConv2D(inputChannels: 3, outputChannels: 1, kernelSize: 4, stride: 2, padding: 1, random: &rng),
                  ]))
                : InvariantNetwork(body: .perceptron(inputSize: inputSize, hiddenSizes: [6], outputSize: 1,
                                                     activation: { TestLeakyReLU() }, random: &rng))
            let x = convolutional ? rng.normal([batch, inputSize, 4, 4]) : rng.normal([batch, inputSize])
            let order = rng.permutation(batch)
            let loss = { (input: Tensor) throws -> Tensor in try network(input).sum() }
            let g = try gradient(at: x, in: loss)
            let gOfPermuted = try gradient(at: permuteRows(x, order), in: loss)
            #expect(maxAbsDifference(gOfPermuted, try permuteRows(g, order)) <= 1e-5 * magnitude(g))
        }
    }

    /// Padding a batch with garbage rows marked invalid changes nothing for the valid rows.
    @Test func maskedBatchesIgnorePaddedRows() async {
        await propertyCheck(count: Self.cases, input: Gen.int(in: 1...32), Gen.int(in: 1...8), Gen.uint64()) { valid, padding, seed in
            var rng = RandomStream(seed: seed)
            let network = InvariantNetwork(body: .perceptron(inputSize: 3, hiddenSizes: [5], outputSize: 1,
                                                             activation: { TestLeakyReLU() }, random: &rng))
            let x = rng.normal([valid, 3])
            let padded = try Tensor.concatenate([x, rng.normal([padding, 3], standardDeviation: 100)])
            let mask = Tensor([Float](repeating: 1, count: valid) + [Float](repeating: 0, count: padding))
            let unpaddedOutputs = try network.perSampleOutputs(x)
            let paddedOutputs = try network.perSampleOutputs(padded, validMask: mask).narrowed(axis: 0, start: 0, length: valid)
            #expect(maxAbsDifference(paddedOutputs, unpaddedOutputs) <= 1e-5 * magnitude(unpaddedOutputs))
            #expect(maxAbsDifference(try network(padded, validMask: mask), try network(x)) <= 1e-5)
        }
    }
}
