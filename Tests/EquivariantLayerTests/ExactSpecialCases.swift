import EquivariantLayer
import NeuralNet
import TensorCore
import Testing

/// Identities of Eqs. 4.11–4.12 and §4.4.3 that pin the layers' values down exactly.
@Suite struct ExactSpecialCases {
    @Test func batchAverageIsThePerFeatureMean() throws {
        let x = try Tensor(shape: [3, 2], scalars: [1, 10, 2, 20, 6, 60])
        #expect(try batchAverage(x).scalars == [3, 30])
        let mask = Tensor([1, 0, 1])
        #expect(try batchAverage(x, validMask: mask).scalars == [3.5, 35])
    }

    /// With Γ = 0 the layer is an ordinary linear layer whose kernel is scaled by B/(B+1).
    @Test func zeroGammaGivesAScaledOrdinaryLayer() throws {
        var rng = RandomStream(seed: 7)
        let layer = EquivariantDense(inputSize: 4, outputSize: 3, random: &rng)
        layer.gamma!.wrappedValue = .zeros([3, 4])
        for batch in [1, 2, 5] {
            let x = rng.normal([batch, 4])
            let scale = Float(batch) / Float(batch + 1)
            let expected = try x.matmul(layer.lambda, transposeOther: true) * scale + layer.bias
            #expect(maxAbsDifference(try layer(x), expected) < 1e-6)
        }
    }

    /// For a batch of identical samples ρ(x) = x_b, so every row equals
    /// `β + x (B/(B+1) Λ + 1/(B+1) Γ)`.
    @Test func identicalSamplesSeeThemselvesAsTheAverage() throws {
        var rng = RandomStream(seed: 11)
        let layer = EquivariantDense(inputSize: 3, outputSize: 2, random: &rng)
        let sample = rng.normal([1, 3])
        let batch = 6
        let x = try sample.broadcast(to: [batch, 3])
        let b = Float(batch)
        let kernel = try layer.lambda * (b / (b + 1)) + layer.gamma!.wrappedValue * (1 / (b + 1))
        let expectedRow = try sample.matmul(kernel, transposeOther: true) + layer.bias
        let out = try layer(x)
        for row in 0..<batch {
            #expect(maxAbsDifference(try out.narrowed(axis: 0, start: row, length: 1), expectedRow) < 1e-6)
        }
        #expect(maxAbsDifference(try batchAverage(x), sample) <= 1e-6 * magnitude(sample))
    }

    /// Hand-computed 2-sample example with the plain weighting.
    @Test func plainWeightingMatchesHandComputation() throws {
        var rng = RandomStream(seed: 1)
        let layer = EquivariantDense(inputSize: 1, outputSize: 1, weighting: .plain, random: &rng)
        layer.lambda = Tensor(repeating: 2, shape: [1, 1])
        layer.gamma!.wrappedValue = Tensor(repeating: 10, shape: [1, 1])
        layer.bias = Tensor([1])
        let out = try layer(Tensor(shape: [2, 1], scalars: [1, 3]))
        // ρ = 2; rows: 1 + 2·1 + 10·2 = 23 and 1 + 2·3 + 10·2 = 27.
        #expect(out.scalars == [23, 27])
        // Re-weighted (B = 2): 1 + (2/3)·2·x + (1/3)·10·2.
        let reweighted = EquivariantDense(inputSize: 1, outputSize: 1, random: &rng)
        reweighted.lambda = layer.lambda
        reweighted.gamma!.wrappedValue = layer.gamma!.wrappedValue
        reweighted.bias = layer.bias
        let r = try reweighted(Tensor(shape: [2, 1], scalars: [1, 3])).scalars
        #expect(Swift.abs(r[0] - (1 + 4.0 / 3 + 20.0 / 3)) < 1e-5)
        #expect(Swift.abs(r[1] - (1 + 4.0 + 20.0 / 3)) < 1e-5)
    }

    /// On 1×1 images with 1×1 kernels the convolutional layer is the dense layer.
    @Test func convolutionOnOnePixelImagesEqualsDense() throws {
        var rng = RandomStream(seed: 3)
        let conv = EquivariantConv2D(inputChannels: 5, outputChannels: 4, kernelSize: 1, random: &rng)
        let dense = EquivariantDense(inputSize: 5, outputSize: 4, random: &rng)
        dense.lambda = try conv.lambda.reshaped([4, 5])
        dense.gamma!.wrappedValue = try conv.gamma!.wrappedValue.reshaped([4, 5])
        dense.bias = conv.bias
        for batch in [1, 3, 8] {
            let x = rng.normal([batch, 5])
            let viaConv = try conv(x.reshaped([batch, 5, 1, 1])).reshaped([batch, 4])
            #expect(maxAbsDifference(viaConv, try dense(x)) < 1e-6)
        }
    }

    @Test func ablationHasNoBatchMixingKernel() throws {
        var rng = RandomStream(seed: 5)
        let layer = EquivariantDense(inputSize: 2, outputSize: 2, batchMixing: false, random: &rng)
        #expect(layer.namedParameters.map(\.path) == ["lambda", "bias"])
        // Without Γ each sample's output depends on that sample only.
        let x = rng.normal([4, 2])
        let alone = try layer(x.narrowed(axis: 0, start: 0, length: 1))
        #expect(maxAbsDifference(try layer(x).narrowed(axis: 0, start: 0, length: 1), alone) < 1e-6)
    }

    @Test func badInputNamesTheShapes() throws {
        var rng = RandomStream(seed: 5)
        let layer = EquivariantDense(inputSize: 3, outputSize: 2, random: &rng)
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([4, 5])) }
        do {
            _ = try layer(Tensor.zeros([4, 5]))
        } catch {
            #expect("\(error)".contains("[4, 5]"))
        }
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([2, 3]), validMask: Tensor([1, 0, 1])) }
        #expect(throws: TensorError.self) { try layer(Tensor.zeros([2, 3]), validMask: Tensor([0, 0])) }
    }
}
