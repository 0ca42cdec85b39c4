import Testing
import TensorCore
@testable import NeuralNet

@Suite struct LayerModuleTests {
    private func makeNetwork(_ random: inout RandomStream) throws -> Sequential {
        try Sequential {
            try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: 1, random: &random)
            try BatchNorm(channels: 2)
            ReLU()
            try Sequential {
                Flatten()
                try Dropout(probability: 0.1, random: &random)
                try SpectralNorm(try Linear(inputFeatures: 32, outputFeatures: 3, bias: false, random: &random),
                                 random: &random)
            }
        }
    }

    @Test func nestedSequentialPaths() throws {
        var random = RandomStream(seed: 60)
        let network = try makeNetwork(&random)
        #expect(network.namedParameters.map(\.path) == [
            "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.3.layers.2.layer.weight",
        ])
        #expect(network.namedBuffers.map(\.path) == [
            "layers.1.runningMean", "layers.1.runningVariance", "layers.3.layers.2.u", "layers.3.layers.2.v",
        ])
        #expect(network.namedRandomStates.map(\.path) == ["layers.3.layers.1.random"])
        #expect(network.parameterCount == 2 * 9 + 2 + 2 + 2 + 3 * 32)
        #expect(try network(random.normal([2, 1, 4, 4])).shape == [2, 3])
    }

    /// A convolution followed by ReLU, leaky ReLU (slope ≥ 0) or ELU runs as one fused op: the
    /// same output and parameter gradients as the layers one by one, the same parameter paths; a
    /// negative slope, or an activation after another layer, is applied on its own.
    @Test func sequentialFusesAConvolutionWithTheActivationAfterIt() throws {
        var random = RandomStream(seed: 62)
        let layers: [any Layer] = [
            try Conv2D(inputChannels: 3, outputChannels: 16, kernelSize: 3, padding: 1, random: &random), LeakyReLU(slope: 0.2),
            try Conv2D(inputChannels: 16, outputChannels: 16, kernelSize: 3, stride: 2, padding: 1, random: &random), ELU(),
            try Conv2D(inputChannels: 16, outputChannels: 4, kernelSize: 3, padding: 1, random: &random), LeakyReLU(slope: -0.5),
            Flatten(), ReLU(),
        ]
        let network = Sequential(layers)
        let x = random.normal([2, 3, 8, 8])
        let fused = try network(x)
        let oneByOne = try layers.reduce(x) { try $1($0) }
        #expect(zip(fused.scalars, oneByOne.scalars).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * (1 + Swift.abs($1)) })
        #expect(network.namedParameters.map(\.path) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                                                        "layers.4.weight", "layers.4.bias"])
        let viaNetwork = try valueAndGradient(of: network) { try square(network(x)).sum() }.gradients
        let viaLayers = try valueAndGradient(of: network) { try square(layers.reduce(x) { try $1($0) }).sum() }.gradients
        #expect(viaNetwork.paths == viaLayers.paths && viaNetwork.paths.count == 6)
        for path in viaNetwork.paths {
            let (a, b) = (viaNetwork[path]!, viaLayers[path]!)
            #expect(zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) <= 1e-4 * (1 + Swift.abs($1)) }, "\(path)")
        }
    }

    /// A perceptron's `Linear` + `ReLU` / `LeakyReLU` pairs run as one op (`affine(…, activation:)`),
    /// with the values and gradients of the layers run one by one, to the bit.
    @Test func sequentialFusesALinearLayerWithTheActivationAfterIt() throws {
        var random = RandomStream(seed: 63)
        let layers: [any Layer] = [
            try Linear(inputFeatures: 2, outputFeatures: 16, random: &random), ReLU(),
            try Linear(inputFeatures: 16, outputFeatures: 16, random: &random), LeakyReLU(slope: 0.2),
            try Linear(inputFeatures: 16, outputFeatures: 1, random: &random),
        ]
        let network = Sequential(layers)
        let x = random.normal([8, 2]).requiringGradient()
        let fused = try network(x)
        #expect(fused.gradNode?.inputs.first??.operation == "affine+leakyRelu")
        #expect(fused.gradNode?.inputs.first??.inputs.first??.operation == "affine+relu")
        let oneByOne = try layers.reduce(x) { try $1($0) }
        #expect(fused.scalars.map(\.bitPattern) == oneByOne.scalars.map(\.bitPattern))
        let viaNetwork = try valueAndGradient(of: network) { try square(network(x)).sum() }.gradients
        let viaLayers = try valueAndGradient(of: network) { try square(layers.reduce(x) { try $1($0) }).sum() }.gradients
        #expect(viaNetwork.paths == viaLayers.paths && viaNetwork.paths.count == 6)
        for path in viaNetwork.paths {
            #expect(viaNetwork[path]!.scalars.map(\.bitPattern) == viaLayers[path]!.scalars.map(\.bitPattern), "\(path)")
        }
    }

    @Test func resultBuilderSupportsConditionsAndLoops() throws {
        var random = RandomStream(seed: 61)
        let widths = [2, 4, 4, 1]
        let useTanh = true
        let network = try Sequential {
            for (input, output) in zip(widths, widths.dropFirst()) {
                try Linear(inputFeatures: input, outputFeatures: output, random: &random)
            }
            if useTanh { Tanh() } else { ReLU() }
        }
        #expect(network.layers.count == 4)
        #expect(network.layers.last is Tanh)
        #expect(network.namedParameters.map(\.path).last == "layers.2.bias")
        let y = try network(random.normal([5, 2]))
        #expect(y.shape == [5, 1] && y.scalars.allSatisfy { Swift.abs($0) < 1 })
    }

    @Test func trainAndEvalRecurse() throws {
        var random = RandomStream(seed: 62)
        let network = try makeNetwork(&random)
        func modes(_ module: Module) -> [Bool] {
            [module.isTraining] + module.namedChildren.flatMap { modes($0.module) }
        }
        #expect(modes(network).count == 9)
        #expect(modes(network).allSatisfy { $0 })
        network.eval()
        #expect(modes(network).allSatisfy { !$0 })
        // Evaluation mode is deterministic (no dropout, running statistics, no power iteration).
        let x = random.normal([2, 1, 4, 4])
        #expect(try network(x).scalars == (try network(x).scalars))
        network.train()
        #expect(modes(network).allSatisfy { $0 })
    }

    @Test func frozenParametersGetNoGradientsAndNoUpdates() throws {
        var random = RandomStream(seed: 63)
        let first = try Linear(inputFeatures: 3, outputFeatures: 3, random: &random)
        let second = try Linear(inputFeatures: 3, outputFeatures: 1, random: &random)
        let network = Sequential([first, Tanh(), second])
        first.freeze()
        #expect(network.trainableParameters.map(\.path) == ["layers.2.weight", "layers.2.bias"])
        let x = random.normal([4, 3])
        let (_, gradients) = try valueAndGradient(of: network) { try network(x).sum() }
        #expect(gradients.paths == ["layers.2.bias", "layers.2.weight"])
        let frozenBefore = first.weight.scalars, trainableBefore = second.weight.scalars
        let optimizer = try SGD(for: network, learningRate: 0.1)
        var withFrozen = gradients
        withFrozen["layers.0.weight"] = Tensor.ones([3, 3])
        try optimizer.step(gradients: withFrozen)
        #expect(first.weight.scalars == frozenBefore)
        #expect(second.weight.scalars != trainableBefore)
        first.freeze(false)
        #expect(network.trainableParameters.count == 4)
    }
}
