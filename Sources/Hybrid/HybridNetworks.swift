import NeuralNet
import TensorCore

/// The encoder and the generator of a hybrid, trained together as one player.
///
/// - `encoder`: `[N, D] -> [N, 2·latentSize]`, the mean and the log standard deviation of the
///   diagonal Gaussian q(z|x), in that order;
/// - `generator`: `[N, latentSize] -> [N, D]`.
///
/// Checkpoint paths: `encoder.…`, `generator.…`.
public final class EncoderGenerator: Module {
    public let encoder: any Layer
    public let generator: any Layer
    public let latentSize: Int

    public init(encoder: any Layer, generator: any Layer, latentSize: Int) throws {
        guard latentSize >= 1 else {
            throw TensorError.invalidArgument(operation: "EncoderGenerator", detail: "latentSize must be ≥ 1 (got \(latentSize))")
        }
        self.encoder = encoder
        self.generator = generator
        self.latentSize = latentSize
        super.init()
    }

    /// q(z|x)'s mean and log standard deviation for `x` `[B, D]`: each `[B, latentSize]`.
    public func posterior(_ x: Tensor) throws -> (mean: Tensor, logStd: Tensor) {
        let output = try encoder(x)
        guard output.rank == 2, output.shape[1] == 2 * latentSize else {
            throw TensorError.invalidShape(operation: "EncoderGenerator.posterior", shape: output.shape,
                                           expected: "the encoder must output [B, 2·\(latentSize)] (mean, log std)")
        }
        let parts = try output.split(sizes: [latentSize, latentSize], axis: 1)
        return (parts[0], parts[1])
    }

    /// T reparameterised samples ẑ_t = μ + σ ⊙ ε_t of q(z|x) per row of `x` `[B, D]`, with
    /// the posterior's parameters: `samples` `[B, T, latentSize]`.
    public func posteriorSamples(_ x: Tensor, count: Int, random: inout RandomStream) throws
        -> (samples: Tensor, mean: Tensor, logStd: Tensor) {
        let (mean, logStd) = try posterior(x)
        let noise = try random.batchNormal([x.shape[0], count, latentSize])
        let samples = try mean.expandingShape(at: 1) + exp(logStd).expandingShape(at: 1) * noise
        return (samples, mean, logStd)
    }
}

/// The networks of a hybrid on vectors, each a perceptron: the encoder, the generator, the
/// image critic (`nil` without synthetic likelihood; every `Linear` spectrally normalised
/// for the Lipschitz critic) and the code discriminator (`nil` with the analytic KL).
public struct HybridNetworks {
    public var model: EncoderGenerator
    public var critic: (any Layer)?
    public var codeDiscriminator: (any Layer)?

    public init(model: EncoderGenerator, critic: (any Layer)?, codeDiscriminator: (any Layer)?) {
        self.model = model
        self.critic = critic
        self.codeDiscriminator = codeDiscriminator
    }

    /// The sizes of a hybrid's perceptrons for `dataSize`-dimensional points.
    public struct VectorShape: Equatable, Sendable {
        public var dataSize: Int
        public var latentSize: Int
        /// The encoder's and the generator's hidden widths.
        public var generatorHidden: [Int]
        public var generatorUnits = HiddenUnits()
        /// The critic's hidden widths and units (batch norm and maxout are refused for the
        /// Lipschitz critic: they would break its Lipschitz bound).
        public var criticHidden: [Int]
        public var criticUnits = HiddenUnits()
        /// The code discriminator's hidden widths: three layers of 750 in the BMS paper.
        public var codeHidden = [750, 750, 750]

        public init(dataSize: Int, latentSize: Int, generatorHidden: [Int], criticHidden: [Int]) {
            self.dataSize = dataSize
            self.latentSize = latentSize
            self.generatorHidden = generatorHidden
            self.criticHidden = criticHidden
        }
    }

    /// Perceptron networks for `components`, initialised from `random` in a fixed order
    /// (generator, encoder, critic, code discriminator).
    public static func vector(_ shape: VectorShape, components: HybridComponents,
                              random: inout RandomStream) throws -> HybridNetworks {
        let generator = try Sequential.perceptron(inputSize: shape.latentSize, hiddenSizes: shape.generatorHidden,
                                                  outputSize: shape.dataSize, units: shape.generatorUnits, random: &random)
        let encoder = try Sequential.perceptron(inputSize: shape.dataSize, hiddenSizes: shape.generatorHidden,
                                                outputSize: 2 * shape.latentSize, units: shape.generatorUnits, random: &random)
        let model = try EncoderGenerator(encoder: encoder, generator: generator, latentSize: shape.latentSize)
        var criticUnits = shape.criticUnits
        criticUnits.spectralNorm = components.synthetic == .lipschitzCritic
        let critic = components.synthetic == .none ? nil
            : try Sequential.perceptron(inputSize: shape.dataSize, hiddenSizes: shape.criticHidden, outputSize: 1,
                                        units: criticUnits, random: &random)
        let code = components.prior.usesCodeDiscriminator
            ? try Sequential.perceptron(inputSize: shape.latentSize, hiddenSizes: shape.codeHidden, outputSize: 1,
                                        random: &random)
            : nil
        return HybridNetworks(model: model, critic: critic, codeDiscriminator: code)
    }
}
