import Foundation
import Testing
import TensorCore
@testable import NeuralNet

@Suite struct LayerWeightNormTests {
    /// Wrapping changes nothing at first (g = ‖v‖); each output row of the weight then has the
    /// norm of its gain, whatever the direction's scale.
    @Test func startsAsTheWrappedLayerAndNormalisesEachOutput() throws {
        var random = RandomStream(seed: 50)
        let conv = try Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, random: &random)
        let transposed = try ConvTranspose2D(inputChannels: 2, outputChannels: 3, kernelSize: 2, random: &random)
        let x = random.normal([2, 2, 4, 4])
        let before = try conv(x).scalars
        let normalized = try WeightNorm(conv)
        #expect(zip(try normalized(x).scalars, before).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
        for layer in [try WeightNorm(conv), try WeightNorm(transposed)] as [any Layer] {
            let rows: Tensor
            if let wrapped = layer as? WeightNorm<Conv2D> {
                wrapped.gain = Tensor([0.5, 2, 3])
                wrapped.layer.weight = wrapped.layer.weight * 10
                rows = try Conv2D.weightMatrix(wrapped.normalizedWeight())
            } else {
                let wrapped = layer as! WeightNorm<ConvTranspose2D>
                wrapped.gain = Tensor([0.5, 2, 3])
                rows = try ConvTranspose2D.weightMatrix(wrapped.normalizedWeight())
            }
            let norms = try sqrt(square(rows).sum(alongAxes: [1])).scalars
            #expect(zip(norms, [Float(0.5), 2, 3]).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "\(norms)")
        }
        #expect(try WeightNorm(conv, initialGain: 0).normalizedWeight().scalars.allSatisfy { $0 == 0 })
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        var random = RandomStream(seed: 51)
        let linear = try WeightNorm(try Linear(inputFeatures: 4, outputFeatures: 3, random: &random))
        try expectGradientsMatchFiniteDifferences(linear, input: random.normal([2, 4]))
        let conv = try WeightNorm(try Conv2D(inputChannels: 2, outputChannels: 2, kernelSize: 3, padding: 1, random: &random))
        try expectGradientsMatchFiniteDifferences(conv, input: random.normal([1, 2, 3, 3]))
        try expectGradientsMatchFiniteDifferences(ELU(), input: inputAwayFromZero([2, 5], seed: 52))
    }

    @Test func checkpointPathsNameTheGainAndTheDirection() throws {
        var random = RandomStream(seed: 53)
        let layer = try WeightNorm(try Linear(inputFeatures: 4, outputFeatures: 3, random: &random))
        #expect(Set(layer.namedParameters.map(\.path)) == ["gain", "layer.weight", "layer.bias"])
    }

    /// Per-feature mean and standard deviation of `y` over every axis but `featureAxis`.
    private func featureMoments(_ y: Tensor, featureAxis: Int) throws -> (mean: [Float], deviation: [Float]) {
        let axes = (0..<y.rank).filter { $0 != featureAxis }
        return (try y.mean(alongAxes: axes).scalars, try y.variance(alongAxes: axes).scalars.map { $0.squareRoot() })
    }

    /// Data-dependent initialisation (Salimans & Kingma §3.1): on the first batch the outputs of
    /// every feature have mean 0 and standard deviation s (convolution: over batch and
    /// positions; dense: over every row of a rank-3 input); the next batch changes nothing;
    /// the flag is checkpointed, so a restored layer is not initialised again.
    @Test func dataDependentInitialisationStandardisesTheFirstBatch() throws {
        var random = RandomStream(seed: 54)
        let conv = try WeightNorm(try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 1, random: &random),
                                  dataInitializationScale: 0.1)
        #expect(!conv.isInitialized)
        let batch = random.normal([5, 3, 6, 6]) * 3 + 1
        let first = try featureMoments(conv(batch), featureAxis: 1)
        #expect(conv.isInitialized)
        #expect(first.mean.allSatisfy { Swift.abs($0) < 1e-5 }, "\(first.mean)")
        #expect(first.deviation.allSatisfy { Swift.abs($0 - 0.1) < 1e-5 }, "\(first.deviation)")
        let parameters = conv.namedParameters.map { $0.parameter.wrappedValue.scalars }
        let other = random.normal([2, 3, 6, 6])
        let output = try conv(other).scalars
        #expect(conv.namedParameters.map { $0.parameter.wrappedValue.scalars } == parameters)

        let linear = try WeightNorm(try Linear(inputFeatures: 5, outputFeatures: 3, random: &random), dataInitializationScale: 2)
        let moments = try featureMoments(linear(random.normal([4, 7, 5]) - 2), featureAxis: 2)
        #expect(moments.mean.allSatisfy { Swift.abs($0) < 1e-4 } && moments.deviation.allSatisfy { Swift.abs($0 - 2) < 1e-4 },
                "\(moments)")

        // Saved and restored into a fresh layer, it computes the same without initialising again.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("weightnorm-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(to: path, step: 1, modules: ["layer": conv])
        var fresh = RandomStream(seed: 99)
        let restored = try WeightNorm(try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 1, random: &fresh),
                                      dataInitializationScale: 0.1)
        try Checkpoint.restore(from: path, modules: ["layer": restored])
        #expect(restored.isInitialized)
        #expect(try restored(other).scalars == output)
        #expect(Set(restored.namedBuffers.map(\.path)) == ["initialized"])
        #expect(throws: TensorError.self) { try WeightNorm(try Linear(inputFeatures: 2, outputFeatures: 2, random: &fresh),
                                                             dataInitializationScale: 0) }
    }
}
