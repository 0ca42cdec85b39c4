import Distributions
import NeuralNet
import TensorCore
import Training

/// The affine map between the data's scale and the networks' (`x_net = x·scale + shift`), so
/// that a model whose observation works on raw pixels (0…255) still feeds its networks values
/// near [−1, 1], and its decoder's outputs come back on the data's scale.
public struct NetworkScaling: Codable, Equatable, Sendable {
    public var scale: Float
    public var shift: Float

    public init(scale: Float, shift: Float) { (self.scale, self.shift) = (scale, shift) }

    /// Pixels 0…255 ↔ [−1, 1].
    public static let pixels = NetworkScaling(scale: 1 / 127.5, shift: -1)
    /// [0, 1) ↔ [−1, 1].
    public static let unit = NetworkScaling(scale: 2, shift: -1)

    public func toNetwork(_ x: Tensor) -> Tensor { x * scale + shift }
    public func toData(_ y: Tensor) -> Tensor { (y - shift) * (1 / scale) }
}

/// A convolutional top-down hierarchical VAE (spec §1.5, §4.5): ELU networks, `groups`
/// stochastic layers of `latentChannels` channels (32 in chapter 5), the top one at
/// `H / 2^groups`, each lower one at twice the resolution of the one above.
///
/// - Bottom-up: `d_0 = ELU(conv(x))` `[B, F, H, W]`, `d_l = ELU(down(d_{l−1}))` at `H / 2^l`.
/// - Top group: `q(z_L | x) = N(conv(d_L))`, `p(z_L) = N(0, I)`.
/// - Top-down, for l = L−1 … 1: `u_l = ELU(up(h_{l+1}))`, prior `p(z_l | z_{>l}) = N(conv(u_l))`,
///   posterior `q(z_l | x, z_{>l}) = N(conv([u_l, d_l]))` (x through `d_l`, the groups above
///   through `u_l`: the same order for inference and generation), `h_l = ELU(conv([u_l, z_l]))`.
/// - Output: `ELU(up(h_1))`, a 3×3 convolution to the image's channels, back on the data's
///   scale: what the observation model's `ln p(x | ·)` takes (e.g. discretised-logistic means).
/// - With `posteriorFlow: .iaf` (the IAF-VAE of Kingma et al. 2016, chapter 5's "iaf"
///   refinement): each posterior convolution also emits `features` context channels, and every
///   group's Gaussian draw goes through one `InverseAutoregressiveStep` given `ELU(context)`;
///   priors and generation are unchanged.
///
/// Convolutions are 3×3 (stride 1, padding 1); `down` is 4×4 stride 2, `up` its transpose.
/// H and W must be divisible by 2^groups.
public final class TopDownVAE: Module, VariationalModel, DifferentiableSampler {
    public let imageShape: [Int]
    public let latentChannels: Int
    public let scaling: NetworkScaling
    public let observation: any ObservationModel
    public let input: Conv2D
    /// `downs[l]`: level l → l + 1; `ups[l]`: level l + 1 → l.
    public let downs: [Conv2D]
    public let ups: [ConvTranspose2D]
    public let topPosterior: Conv2D
    public let topInput: Conv2D
    /// Index l − 1 serves level l (1 ≤ l < groups).
    public let priors: [Conv2D]
    public let posteriors: [Conv2D]
    public let merges: [Conv2D]
    public let output: Conv2D
    public let posteriorFlow: PosteriorFlow
    /// Index l − 1 serves level l (1 ≤ l ≤ groups; the top group last); empty without a flow.
    public let posteriorSteps: [InverseAutoregressiveStep]
    public var evaluationSamples = 150

    public init(imageShape: [Int], groups: Int = 2, features: Int = 64, latentChannels: Int = 32,
                observation: any ObservationModel, scaling: NetworkScaling = .pixels, posteriorFlow: PosteriorFlow = .none,
                random: inout RandomStream) throws {
        guard imageShape.count == 3, groups >= 1, features >= 1, latentChannels >= 1 else {
            throw TrainingError.invalidSetting("a top-down VAE needs an image shape [C, H, W] and ≥ 1 group, feature and "
                                               + "latent channel (got \(imageShape), \(groups), \(features), \(latentChannels))")
        }
        let divisor = 1 << groups
        guard imageShape[1] % divisor == 0, imageShape[2] % divisor == 0 else {
            throw TrainingError.invalidSetting("\(groups) stochastic layers halve the image \(groups) times: H and W must be "
                                               + "divisible by \(divisor) (got \(imageShape[1])×\(imageShape[2]))")
        }
        let (c, f, z) = (imageShape[0], features, latentChannels)
        let context = posteriorFlow == .iaf ? f : 0
        func conv(_ inputs: Int, _ outputs: Int) throws -> Conv2D {
            try Conv2D(inputChannels: inputs, outputChannels: outputs, kernelSize: 3, padding: 1, random: &random)
        }
        self.imageShape = imageShape
        self.latentChannels = z
        self.scaling = scaling
        self.observation = observation
        input = try conv(c, f)
        downs = try (0..<groups).map { _ in try Conv2D(inputChannels: f, outputChannels: f, kernelSize: 4, stride: 2, padding: 1, random: &random) }
        topPosterior = try conv(f, 2 * z + context)
        topInput = try conv(z, f)
        priors = try (1..<groups).map { _ in try conv(f, 2 * z) }
        posteriors = try (1..<groups).map { _ in try conv(2 * f, 2 * z + context) }
        merges = try (1..<groups).map { _ in try conv(f + z, f) }
        ups = try (0..<groups).map { _ in
            try ConvTranspose2D(inputChannels: f, outputChannels: f, kernelSize: 4, stride: 2, padding: 1, random: &random)
        }
        output = try conv(f, c)
        self.posteriorFlow = posteriorFlow
        posteriorSteps = posteriorFlow == .iaf
            ? try (0..<groups).map { _ in
                try InverseAutoregressiveStep(latentChannels: z, contextChannels: f, hiddenChannels: max(f, z), random: &random)
            }
            : []
        super.init()
    }

    public var groups: Int { downs.count }

    /// `N(mean, exp(logStd)²)` from `[B, 2Z (+ context), h, w]` (means, then log-σ along the channels).
    private func gaussian(_ parameters: Tensor) throws -> DiagonalGaussian {
        try DiagonalGaussian(mean: parameters.narrowed(axis: 1, start: 0, length: latentChannels),
                             logStd: parameters.narrowed(axis: 1, start: latentChannels, length: latentChannels))
    }

    /// The top-down pass from `top` `[B, Z, H/2^L, W/2^L]`: with bottom-up features each
    /// lower group is drawn from its posterior, without them from its prior. Returns the
    /// decoder's output on the data's scale and the lower groups (top first).
    private func topDown(from top: Tensor, features: [Tensor]?, random: inout RandomStream) throws -> (Tensor, [LatentGroup]) {
        var h = try elu(topInput(top))
        var groups: [LatentGroup] = []
        for level in stride(from: self.groups - 1, through: 1, by: -1) {
            let u = try elu(ups[level](h))
            let prior = try gaussian(priors[level - 1](u))
            let group: LatentGroup
            if let features {
                let parameters = try posteriors[level - 1](Tensor.concatenate([u, features[level]], axis: 1))
                group = try posteriorDraw(parameters, prior: prior, level: level, random: &random)
            } else {
                group = LatentGroup(posterior: prior, prior: prior, sample: try prior.sample(random: &random))
            }
            groups.append(group)
            h = try elu(merges[level - 1](Tensor.concatenate([u, group.sample], axis: 1)))
        }
        return (scaling.toData(try output(elu(ups[0](h)))), groups)
    }

    /// The bottom-up pass and the top group's posterior run once; each sample runs the top-down pass.
    public func passes(_ x: Tensor, count: Int, random: inout RandomStream, _ body: (VariationalPass) throws -> Void) throws {
        try passes(x, count: count, reconstruction: { try observation.logLikelihood(of: x, decoded: $0) }, random: &random, body)
    }

    /// `passes` whose reconstruction term is `reconstruction(decoded)` `[B]` instead of the
    /// observation's `ln p(x | decoded)`: a model whose decoder explains another image than the
    /// one encoded (AGAVE's down-sampled auxiliary) scores it without a wasted full-size term.
    public func passes(_ x: Tensor, count: Int, reconstruction: (Tensor) throws -> Tensor, random: inout RandomStream,
                       _ body: (VariationalPass) throws -> Void) throws {
        guard Array(x.shape.dropFirst()) == imageShape else {
            throw TensorError.invalidShape(operation: "TopDownVAE", shape: x.shape, expected: "[B] + \(imageShape)")
        }
        let features = try bottomUp(x)
        let topParameters = try self.topPosterior(features[groups])
        var topShape = topParameters.shape
        topShape[1] = latentChannels
        let topPrior = try DiagonalGaussian.standard(topShape)
        for _ in 0..<count {
            let topGroup = try posteriorDraw(topParameters, prior: topPrior, level: groups, random: &random)
            let (decoded, lower) = try topDown(from: topGroup.sample, features: features, random: &random)
            try body(VariationalPass(reconstruction: try reconstruction(decoded), groups: [topGroup] + lower, decoded: decoded))
        }
    }

    /// Decoded means of samples from the prior hierarchy, recording the graph (the generator of
    /// chapter 5's hybrid models, Eq. 5.6's `μ_θ(z)`): `[count] + imageShape`.
    public func generate(count: Int, random: inout RandomStream) throws -> Tensor {
        try observation.mean(of: decodePrior(count: count, random: &random))
    }

    /// The decoder's output (data scale, before the observation model) for `count` draws from
    /// the prior hierarchy, recording the graph: `[count] + imageShape`.
    public func decodePrior(count: Int, random: inout RandomStream) throws -> Tensor {
        let side = 1 << groups
        return try decode(top: random.batchNormal([count, latentChannels, imageShape[1] / side, imageShape[2] / side]), random: &random)
    }

    /// The decoder's output for top-group latents `[B, Z, H/2^L, W/2^L]`, the lower groups drawn
    /// from their priors: `[B] + imageShape` (latent interpolations, Fig. 3.6).
    public func decode(top: Tensor, random: inout RandomStream) throws -> Tensor {
        try topDown(from: top, features: nil, random: &random).0
    }

    /// The mean of `q(z_L | x)` for images `[B] + imageShape` (through the posterior flow when
    /// there is one: the flow's image of the Gaussian's mean): `[B, Z, H/2^L, W/2^L]`.
    public func topPosteriorMean(_ x: Tensor) throws -> Tensor {
        let parameters = try topPosterior(bottomUp(x)[groups])
        let mean = try gaussian(parameters).mean
        guard posteriorFlow == .iaf else { return mean }
        return try posteriorSteps[groups - 1](mean, context: context(parameters)).sample
    }

    /// The IAF context `ELU(c)` of a posterior convolution's output `[B, 2Z + F, h, w]`.
    private func context(_ parameters: Tensor) throws -> Tensor {
        try elu(parameters.narrowed(axis: 1, start: 2 * latentChannels, length: parameters.shape[1] - 2 * latentChannels))
    }

    /// A draw from `q(z_level | ·)` given its convolution's output `parameters`: the Gaussian's
    /// reparameterised sample, through the level's IAF step when the model has a posterior flow.
    private func posteriorDraw(_ parameters: Tensor, prior: DiagonalGaussian, level: Int,
                               random: inout RandomStream) throws -> LatentGroup {
        let posterior = try gaussian(parameters)
        let base = try posterior.sample(random: &random)
        guard posteriorFlow == .iaf else { return LatentGroup(posterior: posterior, prior: prior, sample: base) }
        let (sample, logDiagonal) = try posteriorSteps[level - 1](base, context: context(parameters))
        return LatentGroup(posterior: posterior, prior: prior, sample: sample,
                           flow: PosteriorFlowTrace(base: base, logDiagonal: logDiagonal))
    }

    /// The bottom-up features `d_0 … d_L` of images `[B] + imageShape`, `d_l` at `H / 2^l`.
    private func bottomUp(_ x: Tensor) throws -> [Tensor] {
        var features = [try elu(input(scaling.toNetwork(x)))]
        for down in downs { features.append(try elu(down(features.last!))) }
        return features
    }

    /// Decoded means of samples from the prior hierarchy.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try withoutGradient { try generate(count: count, random: &random) }
    }
}

/// What a top-down VAE's posterior is: the factorised Gaussian, or that Gaussian followed by one
/// step of inverse autoregressive flow per stochastic layer (`iaf`).
public enum PosteriorFlow: String, Codable, CaseIterable, Sendable {
    case none, iaf
}
