import EquivariantLayer
import NeuralNet
import TensorCore
import Testing

/// An equivariant perceptron applies each ReLU inside the `EquivariantDense` before it: the
/// same bits as running its layers one by one — outputs on a masked batch, and gradients.
@Suite struct ActivationFusionTests {
    @Test func equivariantLayersApplyTheirActivationWithTheSameBits() throws {
        var random = RandomStream(seed: 21)
        let network = EquivariantNetwork.perceptron(inputSize: 2, hiddenSizes: [16, 16], outputSize: 1,
                                                    activation: { LeakyReLU(slope: 0.2) }, random: &random)
        let x = random.normal([6, 2]).requiringGradient(), mask = Tensor([1, 1, 0, 1, 1, 0])
        let oneByOne = { (x: Tensor) throws -> Tensor in
            try network.layers.reduce(x) { h, layer in
                if let mixing = layer as? any BatchEquivariantLayer { return try mixing(h, validMask: mask) }
                return try layer(h)
            }
        }
        let fused = try network(x, validMask: mask), expected = try oneByOne(x)
        #expect(fused.gradNode?.inputs.first??.operation == "affine+leakyRelu")
        #expect(fused.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
        let viaNetwork = try valueAndGradient(of: network) { try square(network(x, validMask: mask)).sum() }.gradients
        let viaLayers = try valueAndGradient(of: network) { try square(oneByOne(x)).sum() }.gradients
        #expect(viaNetwork.paths == viaLayers.paths && viaNetwork.paths.count == 9)
        for path in viaNetwork.paths {
            #expect(viaNetwork[path]!.scalars.map(\.bitPattern) == viaLayers[path]!.scalars.map(\.bitPattern), "\(path)")
        }
    }
}
