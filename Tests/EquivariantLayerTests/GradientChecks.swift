import EquivariantLayer
import NeuralNet
import TensorCore
import Testing

/// Finite-difference checks of the gradients through Λ, Γ, β and the input, in the
/// dense and convolutional forms.
@Suite struct GradientChecks {
    /// A scalar loss that weights every output differently, so no gradient cancels.
    static func projectedLoss(_ y: Tensor, seed: UInt64) throws -> Tensor {
        var rng = RandomStream(seed: seed)
        return try (y * rng.normal(y.shape)).sum()
    }

    static func checkEveryArgument(of layer: some Layer, input: Tensor) throws {
        let loss = { (x: Tensor) throws -> Tensor in try projectedLoss(layer(x), seed: 99) }
        let inputGradient = try gradient(at: input, in: loss)
        #expect(try finiteDifferenceError(at: input, analytic: inputGradient, loss) < 2e-2)
        let (_, grads) = try valueAndGradient(of: layer) { try loss(input) }
        for (path, parameter) in layer.namedParameters {
            let original = parameter.wrappedValue
            defer { parameter.wrappedValue = original }
            let error = try finiteDifferenceError(at: original, analytic: grads[path]!) { value in
                parameter.wrappedValue = value
                return try loss(input)
            }
            #expect(error < 2e-2, "gradient of \(path)")
        }
    }

    @Test func denseLayer() throws {
        var rng = RandomStream(seed: 21)
        let layer = EquivariantDense(inputSize: 3, outputSize: 2, random: &rng)
        try Self.checkEveryArgument(of: layer, input: rng.normal([4, 3]))
    }

    @Test func convolutionalLayer() throws {
        var rng = RandomStream(seed: 22)
        let layer = EquivariantConv2D(inputChannels: 2, outputChannels: 2, kernelSize: 4, stride: 2, padding: 1,
                                      random: &rng)
        try Self.checkEveryArgument(of: layer, input: rng.normal([3, 2, 4, 4]))
    }
}
