import Distributions
import Foundation
import NeuralNet
import TensorCore
import Training

/// A VAE (spec §1.1–1.2): a Gaussian encoder `q(z | x) = N(μ(x), diag σ(x)²)` whose network
/// maps `[B, …]` to `[B, 2L]` (means, then log-σ), a standard normal prior on `z` `[B, L]`, a
/// decoder network `z -> decoded` and an observation model `ln p(x | decoded)`. The bounds,
/// the likelihood and the training player are `VariationalModel`'s.
public final class VariationalAutoencoder: Module, VariationalModel {
    public let encoder: any Layer
    public let decoder: any Layer
    public let observation: any ObservationModel
    public let latentSize: Int
    public var evaluationSamples = 150

    public init(encoder: any Layer, decoder: any Layer, observation: any ObservationModel, latentSize: Int) throws {
        guard latentSize >= 1 else { throw TrainingError.invalidSetting("latent size \(latentSize) must be ≥ 1") }
        self.encoder = encoder
        self.decoder = decoder
        self.observation = observation
        self.latentSize = latentSize
        super.init()
    }

    /// `q(z | x)`.
    public func posterior(_ x: Tensor) throws -> DiagonalGaussian {
        let out = try encoder(x)
        guard out.rank == 2, out.shape[1] == 2 * latentSize else {
            throw TensorError.invalidShape(operation: "VariationalAutoencoder.posterior", shape: out.shape,
                                           expected: "the encoder's output [B, \(2 * latentSize)] (means, then log-σ)")
        }
        return try DiagonalGaussian(mean: out.narrowed(axis: 1, start: 0, length: latentSize),
                                    logStd: out.narrowed(axis: 1, start: latentSize, length: latentSize))
    }

    public func passes(_ x: Tensor, count: Int, random: inout RandomStream, _ body: (VariationalPass) throws -> Void) throws {
        let q = try posterior(x)
        let prior = try DiagonalGaussian.standard([x.shape[0], latentSize])
        for _ in 0..<count {
            let z = try q.sample(random: &random)
            let reconstruction = try observation.logLikelihood(of: x, decoded: decoder(z))
            try body(VariationalPass(reconstruction: reconstruction, groups: [LatentGroup(posterior: q, prior: prior, sample: z)]))
        }
    }

    /// Decoded means of `z ~ N(0, I)`.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try observation.mean(of: decoder(random.normal([count, latentSize]))) }
    }
}

extension VariationalAutoencoder {
    /// A VAE of MLPs on images `[B, C, H, W]`: encoder `flatten → hidden ReLU layers → 2L`,
    /// decoder `L → hidden ReLU layers (reversed) → C·H·W`, reshaped to the image and put back
    /// on the data's scale for `observation` (the networks see `scaling.toNetwork(x)`).
    public static func dense(imageShape: [Int], latentSize: Int, hiddenSizes: [Int] = [512, 512],
                             observation: any ObservationModel, scaling: NetworkScaling = .pixels,
                             random: inout RandomStream) throws -> VariationalAutoencoder {
        let size = imageShape.reduce(1, *)
        let encoder = Sequential([ScalingLayer(scaling, toNetwork: true), Flatten(),
                                  try Sequential.perceptron(inputSize: size, hiddenSizes: hiddenSizes, outputSize: 2 * latentSize, random: &random)])
        let decoder = Sequential([try Sequential.perceptron(inputSize: latentSize, hiddenSizes: hiddenSizes.reversed(), outputSize: size, random: &random),
                                  Unflatten(imageShape), ScalingLayer(scaling, toNetwork: false)])
        return try VariationalAutoencoder(encoder: encoder, decoder: decoder, observation: observation, latentSize: latentSize)
    }
}

/// `NetworkScaling` as a layer, either way.
public final class ScalingLayer: Module, Layer {
    public let scaling: NetworkScaling
    public let toNetwork: Bool

    public init(_ scaling: NetworkScaling, toNetwork: Bool) {
        (self.scaling, self.toNetwork) = (scaling, toNetwork)
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        toNetwork ? scaling.toNetwork(input) : scaling.toData(input)
    }
}
