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
}
