import Testing
import TensorCore
@testable import NeuralNet

/// Compares reverse-mode gradients of `sum(layer(input) · r)` (fixed random `r`) with
/// central finite differences, for every scalar of the input and of each trainable
/// parameter. Float32 differences with step `h` are accurate to about `1e-3` here.
func expectGradientsMatchFiniteDifferences(_ layer: any Layer, input: Tensor, h: Float = 1e-2,
                                           tolerance: Float = 1e-2,
                                           sourceLocation: SourceLocation = #_sourceLocation) throws {
    var random = RandomStream(seed: 99)
    let outputShape = try withoutGradient { try layer(input).shape }
    let weights = random.normal(outputShape)
    let loss = { (x: Tensor) throws -> Tensor in try (layer(x) * weights).sum() }

    let parameters = layer.trainableParameters
    let leaf = input.requiringGradient()
    let analytic = try gradients(of: try loss(leaf), wrt: [leaf] + parameters.map(\.parameter.tensor))

    func numeric(_ perturb: (Float) throws -> Float) throws -> Float {
        let plus = try perturb(h), minus = try perturb(-h)
        return (plus - minus) / (2 * h)
    }
    func compare(_ name: String, _ index: Int, _ expected: Float, _ actual: Float) {
        #expect(Swift.abs(expected - actual) <= tolerance * max(1, Swift.abs(expected)),
                "∂loss/∂\(name)[\(index)]: finite difference \(expected), autodiff \(actual)",
                sourceLocation: sourceLocation)
    }

    let inputScalars = input.scalars
    let inputGradient = analytic[0].scalars
    for i in inputScalars.indices {
        let fd = try numeric { delta in
            var shifted = inputScalars
            shifted[i] += delta
            return try withoutGradient { try loss(Tensor(shape: input.shape, scalars: shifted)).scalar }
        }
        compare("input", i, fd, inputGradient[i])
    }
    for ((path, parameter), gradient) in zip(parameters, analytic.dropFirst()) {
        let original = parameter.tensor.scalars
        let values = gradient.scalars
        for i in original.indices {
            let fd = try numeric { delta in
                parameter.update { p, _ in p[i] = original[i] + delta }
                defer { parameter.update { p, _ in p[i] = original[i] } }
                return try withoutGradient { try loss(input).scalar }
            }
            compare(path, i, fd, values[i])
        }
    }
}

/// Gaussian input whose scalars stay at least `margin` away from 0 (for kinks at 0).
func inputAwayFromZero(_ shape: [Int], seed: UInt64, margin: Float = 0.1) -> Tensor {
    var random = RandomStream(seed: seed)
    return random.normal(shape).map { $0 >= 0 ? $0 + margin : $0 - margin }
}

@Suite struct LayerGradientCheckTests {
    @Test func linear() throws {
        var random = RandomStream(seed: 1)
        let layer = try Linear(inputFeatures: 4, outputFeatures: 3, random: &random)
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([2, 4]))
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([2, 2, 4]))
    }

    @Test func conv2D() throws {
        var random = RandomStream(seed: 2)
        let layer = try Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1, random: &random)
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([2, 2, 5, 4]))
    }

    @Test func convTranspose2D() throws {
        var random = RandomStream(seed: 3)
        let layer = try ConvTranspose2D(inputChannels: 2, outputChannels: 2, kernelSize: 3, stride: 2, padding: 1,
                                        outputPadding: 1, random: &random)
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([1, 2, 3, 2]))
    }

    @Test func batchNormInTrainingAndEvaluationMode() throws {
        var random = RandomStream(seed: 4)
        let layer = try BatchNorm(channels: 3)
        try setParameter(layer, "weight", random.normal([3]))
        try setParameter(layer, "bias", random.normal([3]))
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([4, 3]))
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([2, 3, 2, 3]))
        layer.eval()
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([2, 3, 2, 2]))
    }

    @Test func layerNorm() throws {
        var random = RandomStream(seed: 5)
        let layer = try LayerNorm(normalizedShape: [2, 3])
        try setParameter(layer, "weight", random.normal([2, 3]))
        try setParameter(layer, "bias", random.normal([2, 3]))
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([3, 2, 3]))
    }

    @Test func activations() throws {
        let input = inputAwayFromZero([3, 4], seed: 6)
        for layer: any Layer in [ReLU(), LeakyReLU(slope: 0.2), Tanh(), Sigmoid(), Softplus()] {
            try expectGradientsMatchFiniteDifferences(layer, input: input)
        }
    }

    @Test func spectralNormInEvaluationMode() throws {
        // In evaluation mode u and v are fixed, so the loss is a function of W alone and
        // the gradient includes the term through σ = uᵀWv.
        var random = RandomStream(seed: 7)
        let layer = try SpectralNorm(try Linear(inputFeatures: 3, outputFeatures: 4, random: &random), random: &random)
        try layer.iterate(steps: 5)
        layer.eval()
        try expectGradientsMatchFiniteDifferences(layer, input: random.normal([2, 3]))
    }

    @Test func sequentialNetwork() throws {
        var random = RandomStream(seed: 8)
        let network = try Sequential {
            try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 2, random: &random)
            Tanh()
            Flatten()
            try Linear(inputFeatures: 16, outputFeatures: 2, random: &random)
        }
        try expectGradientsMatchFiniteDifferences(network, input: random.normal([2, 1, 3, 5]))
    }
}

/// Replaces the value of the parameter at `path` (tests set affine weights this way).
func setParameter(_ module: Module, _ path: String, _ value: Tensor) throws {
    guard let parameter = module.namedParameters.first(where: { $0.path == path })?.parameter else {
        throw TensorError.invalidArgument(operation: "setParameter", detail: "no parameter \(path)")
    }
    guard parameter.shape == value.shape else {
        throw TensorError.shapeMismatch(operation: "setParameter", lhs: parameter.shape, rhs: value.shape, expected: "same shape")
    }
    parameter.wrappedValue = value
}
