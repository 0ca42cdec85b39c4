import Autoregressive
import Distributions
import NeuralNet
import TensorCore
import Training
import Variational

/// How AGAVE's loss weighs its terms (thesis Eq. 3.13; spec §2.3, §2.5):
///
///     loss = −E_q[ln p(x | x_<i, z)] − auxiliaryWeight · E_q[ln p(y | z)] + klWeight · KL(q(z | x) ‖ p(z))
///
/// `klWeight` is λ (1: one joint ELBO over x and y; 2: the sum of two ELBOs sharing the
/// encoder; larger: looser bounds, a less informative z). `auxiliaryWeight` 0 with λ = 1 is the
/// naive VAE with a PixelCNN decoder (Eq. 3.6) that collapses. For the first
/// `pretrainIterations` steps the two halves train apart (spec §2.5, step 1): the VAE on its
/// own auxiliary ELBO `E_q[ln p(y | z)] − λ·KL`, the PixelCNN on x with a zero condition.
public struct AGAVEObjective: Codable, Equatable, Sendable {
    public var klWeight: Float
    public var auxiliaryWeight: Float
    public var pretrainIterations: Int

    public init(klWeight: Float = 2, auxiliaryWeight: Float = 1, pretrainIterations: Int = 0) {
        (self.klWeight, self.auxiliaryWeight, self.pretrainIterations) = (klWeight, auxiliaryWeight, pretrainIterations)
    }

    public func validate() throws {
        guard klWeight > 0, klWeight.isFinite, auxiliaryWeight >= 0, auxiliaryWeight.isFinite, pretrainIterations >= 0 else {
            throw TrainingError.invalidSetting("AGAVE needs kl_weight > 0, auxiliary_weight ≥ 0 and pretrain_iterations ≥ 0 "
                                               + "(got \(klWeight), \(auxiliaryWeight), \(pretrainIterations))")
        }
        guard auxiliaryWeight > 0 || pretrainIterations == 0 else {
            throw TrainingError.invalidSetting("pretrain_iterations trains the auxiliary VAE alone; with auxiliary_weight 0 "
                                               + "(the naive model) set it to 0")
        }
    }
}

/// AGAVE (thesis chapter 3; spec §2): one encoder `q(z | x)`, an auxiliary factorised decoder
/// whose output `f(z)` is the means of a discretised logistic on the auxiliary image y (x
/// quantised to the observation's levels, one scale per channel, Eq. 3.17; with
/// `auxiliaryDownsampling` f > 1, x average-pooled over f×f blocks and rounded to whole pixel
/// values, and f(z) the decoder's output pooled alike — Fig. 3.9's 16×16 and 8×8 auxiliaries),
/// and a conditional PixelCNN++ `p(x | f(z))` reading f(z) on [−1, 1], upsampled (nearest) to
/// x's size when y is smaller. With `auxiliaryGrayscale` (colour data; Fig. 3.9a, A3.7) y is x's
/// luminance `0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601, as PIL's `convert("L")`) rounded to whole
/// pixel values — 4-bit with 16 auxiliary levels — and f(z) the decoder's RGB output mapped alike:
/// one channel for the auxiliary likelihood and the PixelCNN's condition.
///
/// The encoder and auxiliary decoder are a `TopDownVAE`; as a `VariationalModel` the model's
/// passes report the PixelCNN's `ln p(x | z)`, so the shared ELBO and IWAE-k bounds are bounds
/// on the full model's `ln p(x) = ln ∫ p(z) p(x | z) dz` (Table 3.1's "≤"), and training uses
/// the weighted objective of `AGAVEObjective`.
public final class AGAVEModel: Module, VariationalModel, BoundTermsReporting {
    public let vae: TopDownVAE
    public let pixelCNN: PixelCNNPlusPlus
    public let objective: AGAVEObjective
    /// The side of the blocks y averages (1: y is x at full resolution).
    public let auxiliaryDownsampling: Int
    /// y is x's luminance (RGB data only).
    public let auxiliaryGrayscale: Bool
    public var evaluationSamples = 150

    /// ITU-R BT.601 luma weights of R, G and B.
    public static let luminanceWeights: [Float] = [0.299, 0.587, 0.114]

    /// The channels of y and of the PixelCNN's condition for images of `channels` channels.
    public static func auxiliaryChannels(imageChannels channels: Int, grayscale: Bool) -> Int { grayscale ? 1 : channels }

    public init(vae: TopDownVAE, pixelCNN: PixelCNNPlusPlus, objective: AGAVEObjective, auxiliaryDownsampling: Int = 1,
                auxiliaryGrayscale: Bool = false) throws {
        try objective.validate()
        guard !auxiliaryGrayscale || vae.imageShape[0] == 3 else {
            throw TrainingError.invalidSetting("auxiliary_grayscale makes y the luminance of RGB images; these have "
                                               + "\(vae.imageShape[0]) channel(s) (for grey data y is already grey: use "
                                               + "auxiliary_levels = 16 for a 4-bit y)")
        }
        let conditionChannels = Self.auxiliaryChannels(imageChannels: vae.imageShape[0], grayscale: auxiliaryGrayscale)
        guard pixelCNN.imageShape == vae.imageShape, pixelCNN.conditioning?.inputChannels == conditionChannels else {
            throw TrainingError.invalidSetting("AGAVE's PixelCNN++ must model the VAE's images \(vae.imageShape) and be "
                                               + "conditioned on an image of \(conditionChannels) channel(s)")
        }
        guard auxiliaryDownsampling >= 1, vae.imageShape[1] % auxiliaryDownsampling == 0,
              vae.imageShape[2] % auxiliaryDownsampling == 0 else {
            throw TrainingError.invalidSetting("auxiliary_downsampling = \(auxiliaryDownsampling) must divide the image's "
                                               + "\(vae.imageShape[1])×\(vae.imageShape[2]) sides (1 keeps y at full size)")
        }
        self.vae = vae
        self.pixelCNN = pixelCNN
        self.objective = objective
        self.auxiliaryDownsampling = auxiliaryDownsampling
        self.auxiliaryGrayscale = auxiliaryGrayscale
        super.init()
    }

    private var pooling: ConvGeometry { ConvGeometry(kernel: auxiliaryDownsampling, stride: auxiliaryDownsampling) }

    /// y for pixel values x `[B, C, H, W]`: x itself, or its luminance, or their f×f block means,
    /// rounded to whole pixel values: `[B, C or 1, H/f, W/f]` (data: no gradient).
    public func auxiliaryImage(_ x: Tensor) throws -> Tensor {
        guard auxiliaryDownsampling > 1 || auxiliaryGrayscale else { return x }
        let mapped = try withoutGradient { try auxiliaryMeans(x) }
        return try Tensor(shape: mapped.shape, scalars: mapped.scalars.map { $0.rounded() })
    }

    /// f(z) at y's size: the decoder's output `[B] + imageShape` mapped to luminance and
    /// average-pooled like y (differentiable).
    public func auxiliaryMeans(_ decoded: Tensor) throws -> Tensor {
        var means = decoded
        if auxiliaryGrayscale {
            let weights = try Tensor(shape: [1, 3, 1, 1], scalars: Self.luminanceWeights)
            means = try (means * weights).sum(alongAxes: [1], keepingDimensions: true)
        }
        return auxiliaryDownsampling > 1 ? try avgPool2d(means, geometry: pooling) : means
    }

    /// f(z) as the PixelCNN's condition: at y's size, on the networks' [−1, 1] scale, upsampled
    /// back to x's size (nearest neighbour).
    func condition(_ decoded: Tensor) throws -> Tensor {
        let means = vae.scaling.toNetwork(try auxiliaryMeans(decoded))
        return auxiliaryDownsampling > 1 ? try upsampleNearest(means, scale: auxiliaryDownsampling) : means
    }

    /// f(z) as the figures show it, for the decoder's output `[B] + imageShape`: pixel scale
    /// (clamped to 0…255), at x's size (a smaller y's blocks repeated).
    public func displayedAuxiliary(_ decoded: Tensor) throws -> Tensor {
        let means = try vae.observation.mean(of: auxiliaryMeans(decoded))
        return auxiliaryDownsampling > 1 ? try upsampleNearest(means, scale: auxiliaryDownsampling) : means
    }

    /// One sample's terms: the PixelCNN's `ln p(x | z)` and the auxiliary `ln p(y | z)` `[B]`,
    /// the latent groups and f(z).
    public struct Pass {
        public let pixelReconstruction: Tensor
        public let auxiliaryReconstruction: Tensor
        public let groups: [LatentGroup]
        public let decoded: Tensor
    }

    /// `count` passes over `x` `[B] + imageShape` (pixel values), the encoder run once.
    /// `conditioned: false` feeds the PixelCNN a zero condition (pre-training).
    public func agavePasses(_ x: Tensor, count: Int, conditioned: Bool = true, random: inout RandomStream,
                            _ body: (Pass) throws -> Void) throws {
        let y = try auxiliaryImage(x)
        let auxiliary = { (decoded: Tensor) in try self.vae.observation.logLikelihood(of: y, decoded: self.auxiliaryMeans(decoded)) }
        try vae.passes(x, count: count, reconstruction: auxiliary, random: &random) { pass in
            guard let decoded = pass.decoded else { preconditionFailure("TopDownVAE reports its decoder's output") }
            let condition = conditioned ? try self.condition(decoded) : Tensor.zeros(decoded.shape)
            try body(Pass(pixelReconstruction: try pixelCNN.logLikelihood(x, condition: condition),
                          auxiliaryReconstruction: pass.reconstruction, groups: pass.groups, decoded: decoded))
        }
    }

    public func passes(_ x: Tensor, count: Int, random: inout RandomStream, _ body: (VariationalPass) throws -> Void) throws {
        try agavePasses(x, count: count, random: &random) {
            try body(VariationalPass(reconstruction: $0.pixelReconstruction, groups: $0.groups, decoded: $0.decoded))
        }
    }

    /// Nats per image `[B]`: `kl`, `pixelcnn_reconstruction` (−ln p(x | z)) and
    /// `vae_reconstruction` (−ln p(y | z)), one posterior sample; the KL unweighted (the terms
    /// of the bound on ln p(x), A3.6).
    public func boundTerms(_ x: Tensor, random: inout RandomStream) throws -> [String: Tensor] {
        var terms: [String: Tensor] = [:]
        try agavePasses(x, count: 1, random: &random) { pass in
            terms["kl"] = try VariationalPass(reconstruction: pass.pixelReconstruction, groups: pass.groups).kl()
            terms["pixelcnn_reconstruction"] = -pass.pixelReconstruction
            terms["vae_reconstruction"] = -pass.auxiliaryReconstruction
        }
        return terms
    }

    /// The player `agave`: Eq. 3.13's weighted loss (after the pre-training steps), one posterior
    /// sample from the `posterior` stream. Metrics (nats per image): `bound` (the full model's
    /// ELBO, KL unweighted), `kl`, `pixelcnn` and `vae` (the two reconstructions' −ln p).
    public func trainingPlayer(optimizer settings: OptimizerSettings, objective _: VariationalObjective) throws -> Player {
        let optimizer = try settings.makeOptimizer(for: self)
        let weights = objective
        return try Player(name: "agave", module: self, optimizer: optimizer, options: settings.playerOptions) { [unowned self] batch, streams in
            try streams.with("posterior") { random in
                let pretraining = optimizer.stepCount < weights.pretrainIterations
                var made: Pass?
                try self.agavePasses(batch.inputs, count: 1, conditioned: !pretraining, random: &random) { made = $0 }
                let pass = made!
                let kl = try VariationalPass(reconstruction: pass.pixelReconstruction, groups: pass.groups).kl().mean()
                let pixel = pass.pixelReconstruction.mean(), auxiliary = pass.auxiliaryReconstruction.mean()
                let loss = pretraining
                    ? try -pixel - auxiliary + weights.klWeight * kl
                    : try -pixel - weights.auxiliaryWeight * auxiliary + weights.klWeight * kl
                return PlayerLoss(loss, metrics: ["bound": try (pixel - kl).scalar, "kl": kl.scalar, "pixelcnn": -pixel.scalar,
                                                  "vae": -auxiliary.scalar])
            }
        }
    }

    /// f(z) for `count` draws from the prior (pixel scale, clamped to 0…255, a smaller y's blocks
    /// repeated) and the PixelCNN's samples conditioned on each: both `[count] + imageShape`
    /// (Figs. 3.3b, 3.5, 3.9).
    public func sampleWithAuxiliary(count: Int, random: inout RandomStream) throws -> (auxiliary: Tensor, samples: Tensor) {
        let decoded = try withoutGradient { try vae.decodePrior(count: count, random: &random) }
        let samples = try pixelCNN.sample(count: count, condition: condition(decoded), random: &random)
        return (try displayedAuxiliary(decoded), samples)
    }

    /// `each` PixelCNN samples conditioned on each of `decoded` `[B] + imageShape` (f(z) on the
    /// pixel scale, as `decodePrior` gives it): `[B·each] + imageShape`, those of row b together.
    public func samples(conditionedOn decoded: Tensor, each: Int, random: inout RandomStream) throws -> Tensor {
        let rows = decoded.shape[0]
        let repeated = try decoded.expandingShape(at: 1).broadcast(to: [rows, each] + vae.imageShape)
            .reshaped([rows * each] + vae.imageShape)
        return try pixelCNN.sample(count: rows * each, condition: condition(repeated), random: &random)
    }

    /// f(z) along the line between the top latents of two images' posterior means, `steps`
    /// points from a to b, the lower groups drawn from their priors with `lowerGroups` afresh at
    /// every point (so only the top latent changes along the line): `[steps] + imageShape`,
    /// the decoder's output on the pixel scale (Fig. 3.6).
    public func interpolate(_ a: Tensor, _ b: Tensor, steps: Int, lowerGroups: RandomStream) throws -> Tensor {
        try withoutGradient {
            let ends = try vae.topPosteriorMean(Tensor.concatenate([a, b], axis: 0))
            let (start, end) = (try ends.narrowed(axis: 0, start: 0, length: 1), try ends.narrowed(axis: 0, start: 1, length: 1))
            let line = try (0..<steps).map { step -> Tensor in
                let t = Float(step) / Float(max(1, steps - 1))
                return try start * (1 - t) + end * t
            }
            var points: [Tensor] = []
            for top in line {
                var same = lowerGroups
                points.append(try vae.decode(top: top, random: &same))
            }
            return try Tensor.concatenate(points, axis: 0)
        }
    }

    /// PixelCNN samples conditioned on f(z) for z drawn from the prior: `[count] + imageShape`.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try sampleWithAuxiliary(count: count, random: &random).samples
    }
}
