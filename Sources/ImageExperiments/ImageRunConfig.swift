import Adversarial
import ExperimentRuns
import Foundation
import Hybrid
import Reporting
import Training

/// Everything that defines one image run of chapter 4 (§4.5.2; spec §3.5–3.6): the SNGAN
/// CNN stack of `ConvolutionalGANShape` trained on an HDF5 image dataset, evaluated with the
/// project's glyph classifier when the data are the procedural stacked glyphs.
///
/// The defaults are the thesis' CIFAR-10 settings where it gives them (Adam α = 2·10⁻⁴,
/// β1 = 0.5, β2 = 0.999; latent 128; γ = 0.3 within its searched [0.2, 0.5]) and our documented
/// assumptions where it does not (batch size 64 as Miyato et al., n_disc = 1; A4.3, A4.9).
@dynamicMemberLookup
public struct ImageRunConfig: AdversarialRunConfiguration, RunConfiguration {
    public var gan = AdversarialRunSettings(
        schedule: TrainingSchedule(iterations: 200_000, historyEvery: 100, checkpointEvery: 1_000),
        adversarial: AdversarialSettings(method: .mbgan, latentSize: 128, discriminatorSteps: 1),
        optimizer: OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999),
        evaluation: EvaluationSettings(evaluationSamples: 10_000))
    public var image = ImageSettings()
    /// The auto-encoding hybrid (BMS-VAE-GAN, α-GAN, WAE, …) trained instead of the GAN of
    /// `method` when `hybrid` is set: encoder = the discriminator's convolutions with 2·latent
    /// outputs, critic = the spectrally normalised (or plain, for a classifier) discriminator.
    public var hybrid = HybridSettings()

    public init() {}

    public static var groups: [any SettingsGroup.Type] {
        AdversarialRunSettings.groups + [ImageSettings.self, HybridSettings.self]
    }

    public init(from decoder: any Decoder) throws {
        gan = try AdversarialRunSettings(from: decoder)
        image = try ImageSettings(from: decoder)
        hybrid = try HybridSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try gan.encode(to: encoder)
        try image.encode(to: encoder)
        try hybrid.encode(to: encoder)
    }

    /// The methods an image run trains (those with an image discriminator in the catalogue).
    public static var imageMethods: [AdversarialMethod] { AdversarialMethod.imageMethods }

    public static func allowedValues(forKey key: String) -> [String]? {
        if key == "method" { return imageMethods.map(\.rawValue) }
        return groups.first { $0.keys.contains(key) }?.allowedValues(forKey: key)
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<ImageSettings, T>) -> T {
        get { image[keyPath: keyPath] }
        set { image[keyPath: keyPath] = newValue }
    }
}

/// The image family's own settings: the data, the classifier of the metrics, the networks'
/// width, spectral norm, the Fig. 4.6 curves and the sample files.
public struct ImageSettings: SettingsGroup {
    /// GAN / GAN-GP / WGAN-GP only: spectrally normalise every layer of the discriminator (SN-GAN).
    public var spectralNorm = false
    /// The training images: an HDF5 file of uint8 `[N, C, H, W]` (`mixedbatch data glyphs` or
    /// `mixedbatch data convert` make one).
    public var data = "data/glyphs-train.h5"
    /// A `GlyphClassifier` checkpoint (`mixedbatch data glyph-classifier`); with it, mode
    /// coverage, FID, KID, precision / recall and the IS analogue are computed in its feature
    /// space. Without it only the spectral distance is.
    public var classifier: String?
    /// Inception-v3 FID weights (`Experiments/Evaluation/convert_inception_weights.py`); with
    /// them the final metrics add Inception's IS and FID against the first `evaluation_samples`
    /// training images (their features cached in `feature_cache`), the numbers of Table 4.1
    /// when the weights are pytorch-fid's.
    public var inceptionWeights: String?
    /// Where the real images' Inception features are kept between runs (`mixedbatch evaluate`'s
    /// default cache too).
    public var featureCache = "results/.feature-cache"
    /// Channel counts relative to the full-width networks of spec §3.5.
    public var widthMultiplier = 1.0
    /// The IS analogue and FID are also computed every this many iterations on
    /// `curve_samples` images (the Fig. 4.6 curves); 0 turns the curves off.
    public var curveEvery = 0
    public var curveSamples = 1_000
    /// Images in the sample grid written at the end (`samples.png`, 8 per row).
    public var gridSamples = 64
    /// Also write the `evaluation_samples` generated images as `evaluation_samples.h5` (uint8
    /// NCHW), e.g. for Inception-based IS / FID with `mixedbatch evaluate`.
    public var exportSamples = false
    /// Flow-GAN's Jacobian analysis of a non-invertible generator with k = d (Figs. 4 / 8's
    /// DCGAN curves): the singular values of ∂G/∂z at this many prior draws after training
    /// (needs `latent_size` = C·H·W); 0: none.
    public var jacobianPoints = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case spectralNorm = "spectral_norm", data, classifier, inceptionWeights = "inception_weights"
        case featureCache = "feature_cache", widthMultiplier = "width_multiplier"
        case curveEvery = "curve_every", curveSamples = "curve_samples", gridSamples = "grid_samples"
        case exportSamples = "export_samples", jacobianPoints = "jacobian_points"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func validate() throws {
        try requireSetting(!data.isEmpty, "data must name an HDF5 image file (make one with `mixedbatch data glyphs`)")
        try requireSetting(inceptionWeights.map { FileManager.default.fileExists(atPath: $0) } ?? true,
                           "inception_weights = \(inceptionWeights ?? "") does not exist; convert pytorch-fid's weights with "
                               + "Experiments/Evaluation/convert_inception_weights.py (README, Evaluating samples)")
        try requireCounts(["curve_samples": curveSamples], in: SettingBounds.samples)
        try requireCounts(["grid_samples": gridSamples], in: 1...4_096)
        try requireSetting(curveEvery >= 0, "curve_every = \(curveEvery) must be ≥ 0 (0: no curves)")
        try requireSetting(widthMultiplier > 0 && widthMultiplier <= 4, "width_multiplier = \(widthMultiplier) must be in (0, 4]")
        try requireSetting((0...1_024).contains(jacobianPoints), "jacobian_points = \(jacobianPoints) must be in 0…1024")
    }
}

extension ImageRunConfig {
    /// The discriminator's form: the method's catalogue entry, spectrally normalised when
    /// `spectral_norm` is set (per-sample forms only; A4.5: the equivariant ones have none).
    public var discriminatorForm: ConvolutionalDiscriminatorForm {
        let form = self.method.entry.imageDiscriminator ?? .perSample
        return self.spectralNorm && form == .perSample ? .spectralNorm : form
    }

    /// The table's name for the variant: `GAN`, `SN-GAN`, `BGAN γ=0.3`, `pure batches`, ….
    public var variantLabel: String {
        if let model = hybrid.hybrid { return hybrid.namesSamples ? "\(model.displayName) (T = \(hybrid.samples))" : model.displayName }
        let name = self.method.entry.name
        guard self.method.usesMixedBatches else { return self.spectralNorm ? "SN-" + name : name }
        if self.method == .bgan && self.prior == .smoothing && self.gamma == 0 { return "pure batches" }
        return self.prior == .smoothing ? "\(name) γ=\(self.gamma)" : "\(name) Beta(\(self.betaA), \(self.betaB))"
    }

    public var dataFiles: [String] { [self.data] }

    /// e.g. `mbgan-g0.3-s0`, `gan-sn-s1`, `bms-T10-s0`.
    public var runName: String {
        if let model = hybrid.hybrid {
            return ([model.rawValue] + (hybrid.namesSamples ? ["T\(hybrid.samples)"] : []) + ["s\(self.seed)"])
                .joined(separator: "-")
        }
        var parts = [self.method.rawValue]
        if self.spectralNorm { parts.append("sn") }
        if self.method.usesMixedBatches { parts.append(gan.mixing.nameComponent) }
        parts.append("s\(self.seed)")
        return parts.joined(separator: "-")
    }

    /// The networks' shape for images of `imageSize`.
    public func networkShape(imageSize: Int, channels: Int) throws -> ConvolutionalGANShape {
        var shape = try ConvolutionalGANShape(imageSize: imageSize, widthMultiplier: self.widthMultiplier)
        shape.channels = channels
        shape.latentSize = self.latentSize
        return shape
    }

    public func validate() throws {
        try hybrid.validate()
        try requireSetting(Self.imageMethods.contains(self.method),
                           "method = \(self.method.rawValue) has no image discriminator; use one of "
                               + Self.imageMethods.map(\.rawValue).joined(separator: ", "))
        try requireSetting(!self.spectralNorm || self.method.entry.imageDiscriminator == .perSample,
                           "spectral_norm applies to gan, gan-gp and wgan-gp only (the thesis' equivariant discriminators have none, A4.5)")
        try gan.validate()
        try image.validate()
    }

    public var summaryFields: [String: JSONValue] { ["variant": .string(variantLabel)] }
}
