import Adversarial
import ExperimentRuns
import Foundation
import GenerativeModels

/// Everything that defines one image run of chapter 4 (§4.5.2; spec §3.5–3.6): the SNGAN
/// CNN stack of `ConvolutionalGANShape` trained on an HDF5 image dataset, evaluated with the
/// project's glyph classifier when the data are the procedural stacked glyphs.
///
/// The defaults are the thesis' CIFAR-10 settings where it gives them (Adam α = 2·10⁻⁴,
/// β1 = 0.5, β2 = 0.999; latent 128; γ = 0.3 within its searched [0.2, 0.5]) and our documented
/// assumptions where it does not (batch size 64 as Miyato et al., n_disc = 1; A4.3, A4.9).
public struct ImageRunConfig: AdversarialRunConfiguration {
    /// gan, gan-gp, wgan-gp, minibatch-discrimination, bgan or mbgan (`imageMethods`).
    public var method: AdversarialMethod = .mbgan
    /// GAN / GAN-GP / WGAN-GP only: spectrally normalise every layer of the discriminator (SN-GAN).
    public var spectralNorm = false
    /// The training images: an HDF5 file of uint8 `[N, C, H, W]` (`mixedbatch data glyphs` or
    /// `mixedbatch data convert` make one).
    public var data = "data/glyphs-train.h5"
    /// A `GlyphClassifier` checkpoint (`mixedbatch data glyph-classifier`); with it, mode
    /// coverage, FID, KID, precision / recall and the IS analogue are computed in its feature
    /// space. Without it only the spectral distance is (no Inception network is available here).
    public var classifier: String?
    public var prior: PriorKind = .smoothing
    /// γ ∈ [0, ½] of batch smoothing; 0 gives pure batches.
    public var gamma: Float = 0.3
    public var betaA: Float = 1
    public var betaB: Float = 1
    public var batchSize = 64
    /// Channel counts relative to the full-width networks of spec §3.5.
    public var widthMultiplier = 1.0
    public var latentSize = 128
    /// n_disc: discriminator updates per generator update.
    public var discriminatorSteps = 1
    /// Generator updates. (The thesis' 400,000 count both players' steps: 200,000 at n_disc = 1.)
    public var iterations = 200_000
    public var seed: UInt64 = 0
    public var learningRate: Float = 2e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    public var penaltyWeight: Float = 10
    /// Generated (and real) images the final metrics use.
    public var evaluationSamples = 10_000
    /// The IS analogue and FID are also computed every this many iterations on
    /// `curve_samples` images (the Fig. 4.6 curves); 0 turns the curves off.
    public var curveEvery = 0
    public var curveSamples = 1_000
    /// Images in the sample grid written at the end (`samples.png`, 8 per row).
    public var gridSamples = 64
    /// Also write the `evaluation_samples` generated images as `evaluation_samples.h5` (uint8
    /// NCHW), e.g. for Inception-based IS / FID with another tool.
    public var exportSamples = false
    public var historyEvery = 100
    public var checkpointEvery = 1_000

    public enum PriorKind: String, Codable, Sendable { case smoothing, beta }

    /// The methods an image run trains.
    public static let imageMethods: [AdversarialMethod] = [.gan, .ganGP, .wganGP, .minibatchDiscrimination, .bgan, .mbgan]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, spectralNorm = "spectral_norm", data, classifier, prior, gamma
        case betaA = "beta_a", betaB = "beta_b", batchSize = "batch_size", widthMultiplier = "width_multiplier"
        case latentSize = "latent_size", discriminatorSteps = "n_disc", iterations, seed
        case learningRate = "learning_rate", beta1 = "adam_beta1", beta2 = "adam_beta2", penaltyWeight = "gp_weight"
        case evaluationSamples = "evaluation_samples", curveEvery = "curve_every", curveSamples = "curve_samples"
        case gridSamples = "grid_samples", exportSamples = "export_samples", historyEvery = "history_every", checkpointEvery = "checkpoint_every"
    }

    public static var configKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        switch key {
        case CodingKeys.method.rawValue: return imageMethods.map(\.rawValue)
        case CodingKeys.prior.rawValue: return ["smoothing", "beta"]
        default: return nil
        }
    }
}

extension ImageRunConfig {
    /// The discriminator's form: equivariant for the mixed-batch methods (A4.5: no spectral
    /// norm there), a final minibatch-discrimination layer for Salimans et al.'s baseline.
    public var discriminatorForm: ConvolutionalDiscriminatorForm {
        switch method {
        case .bgan, .mbgan: return .equivariant
        case .minibatchDiscrimination: return .minibatchDiscrimination
        default: return spectralNorm ? .spectralNorm : .perSample
        }
    }

    /// The table's name for the variant: `GAN`, `SN-GAN`, `BGAN γ=0.3`, `pure batches`, ….
    public var variantLabel: String {
        switch method {
        case .gan: return spectralNorm ? "SN-GAN" : "GAN"
        case .wganGP: return spectralNorm ? "SN-WGAN-GP" : "WGAN-GP"
        case .ganGP: return spectralNorm ? "SN-GAN-GP" : "GAN-GP"
        case .minibatchDiscrimination: return "minibatch discrimination"
        case .bgan where prior == .smoothing && gamma == 0: return "pure batches"
        case .bgan, .mbgan:
            let name = method == .bgan ? "BGAN" : "M-BGAN"
            return prior == .smoothing ? "\(name) γ=\(gamma)" : "\(name) Beta(\(betaA), \(betaB))"
        default: return method.rawValue
        }
    }

    /// e.g. `mbgan-g0.3-s0`, `gan-sn-s1`.
    public var runName: String {
        var parts = [method.rawValue]
        if spectralNorm { parts.append("sn") }
        if method.usesMixedBatches { parts.append(prior == .smoothing ? "g\(gamma)" : "beta\(betaA)-\(betaB)") }
        parts.append("s\(seed)")
        return parts.joined(separator: "-")
    }

    /// The objective's settings.
    public var objectiveOptions: ObjectiveOptions {
        var options = ObjectiveOptions()
        options.prior = prior == .smoothing ? .batchSmoothing(gamma: gamma) : .beta(a: betaA, b: betaB)
        options.penaltyWeight = penaltyWeight
        return options
    }

    /// The networks' shape for images of `imageSize`.
    public func networkShape(imageSize: Int, channels: Int) throws -> ConvolutionalGANShape {
        var shape = try ConvolutionalGANShape(imageSize: imageSize, widthMultiplier: widthMultiplier)
        shape.channels = channels
        shape.latentSize = latentSize
        return shape
    }

    public func validate() throws {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw ConfigError(message()) }
        }
        try require(Self.imageMethods.contains(method),
                    "method = \(method.rawValue) has no image discriminator; use one of "
                        + Self.imageMethods.map(\.rawValue).joined(separator: ", "))
        try require(!spectralNorm || [.gan, .ganGP, .wganGP].contains(method),
                    "spectral_norm applies to gan, gan-gp and wgan-gp only (the thesis' equivariant discriminators have none, A4.5)")
        try require(!data.isEmpty, "data must name an HDF5 image file (make one with `mixedbatch data glyphs`)")
        try require((0...0.5).contains(gamma), "gamma = \(gamma) must be in [0, 0.5] (0: pure batches, 0.5: uniform prior)")
        try require(betaA > 0 && betaB > 0, "beta_a = \(betaA) and beta_b = \(betaB) must be positive")
        for (name, value) in [("batch_size", batchSize), ("latent_size", latentSize), ("n_disc", discriminatorSteps),
                              ("iterations", iterations), ("evaluation_samples", evaluationSamples),
                              ("curve_samples", curveSamples), ("grid_samples", gridSamples),
                              ("history_every", historyEvery), ("checkpoint_every", checkpointEvery)] {
            try require(value >= 1, "\(name) = \(value) must be ≥ 1")
        }
        try require(curveEvery >= 0, "curve_every = \(curveEvery) must be ≥ 0 (0: no curves)")
        try require(widthMultiplier > 0 && widthMultiplier <= 4, "width_multiplier = \(widthMultiplier) must be in (0, 4]")
        try require(learningRate > 0 && learningRate.isFinite, "learning_rate = \(learningRate) must be positive")
        try require((0..<1).contains(beta1) && (0..<1).contains(beta2), "adam_beta1 and adam_beta2 must be in [0, 1)")
        try require(penaltyWeight >= 0, "gp_weight = \(penaltyWeight) must be ≥ 0")
    }
}
