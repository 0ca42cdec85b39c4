import Flows
import Foundation
import Training
import Variational

/// The models of Table 5.1 (spec §4.2): which losses train them and whether they have `f_ψ`.
public enum ADEVariant: String, Codable, CaseIterable, Sendable {
    /// The generator alone, adversarially (L_Q); its BPD from a post-hoc inference network.
    case gan
    /// A VAE in pixel space by likelihood (L_C).
    case vae
    /// A VAE in the feature space of f_ψ by likelihood (L_C).
    case vade = "v-ade"
    /// A pixel-space VAE by L_C + w·L_Q (a Gaussian decoder, no f_ψ).
    case avgde = "av-gde"
    /// The full model: f_ψ, L_C + w·L_Q.
    case avade = "av-ade"

    public var hasFeatureMap: Bool { self == .vade || self == .avade }
    public var trainsCoverage: Bool { self != .gan }
    public var trainsQuality: Bool { self == .gan || self == .avgde || self == .avade }

    /// The name in Table 5.1.
    public var label: String {
        switch self {
        case .gan: return "GAN"
        case .vae: return "VAE"
        case .vade: return "V-ADE"
        case .avgde: return "AV-GDE"
        case .avade: return "AV-ADE"
        }
    }
}

/// The discriminator of the models trained adversarially.
public enum ADEDiscriminator: String, Codable, CaseIterable, Sendable {
    /// The SNGAN standard CNN without spectral normalisation (spec §3.5; Table 5.1).
    case standard
    /// Table A.1's residual discriminator ("rd" in Table 5.2).
    case residual
}

/// The adaptive-density family's settings (keys in snake_case): the data, the variant, the
/// VAE and f_ψ architectures, the discriminator, the hybrid objective and the evaluation.
/// Defaults follow App. A (spec §4.5–4.6) where it gives them: Adamax 0.002 (the optimiser
/// settings), gradient penalty 100, adversarial weight 100, 32 latent channels per stochastic
/// layer, f_ψ one Real-NVP scale of 3 couplings with 2 residual blocks, ψ trained by L_C only.
public struct ADESettings: SettingsGroup {
    public var variant: ADEVariant = .avade
    /// Training and held-out images: 8-bit HDF5 files `[N, C, H, W]`, H and W divisible by 4.
    public var data = "data/mnist5k-32-train.h5"
    public var testData: String? = "data/mnist5k-32-test.h5"
    public var batchSize = 64
    /// The top-down VAE: channels, stochastic layers, latent channels per layer.
    public var features = 32
    public var groups = 2
    public var latentChannels = 32
    /// f_ψ: residual blocks and channels of each coupling's network, couplings (one scale), and
    /// the bijection after each coupling: `batch-norm` (Real-NVP's; spec §4.5), `actnorm`
    /// (Glow's, the same map in training and evaluation) or `none`.
    public var flowResidualBlocks = 2
    public var flowFeatures = 16
    public var flowCouplings = 3
    public var flowNormalization: FlowNormalization = .batch
    /// † of Table 5.1: models with f_ψ get a VAE whose `features` are lowered until the whole
    /// model has at most the parameters of the pixel-space VAE.
    public var compensateParameters = true
    /// The SNGAN standard CNN discriminator's width multiplier (of spec §3.5's channels, or of
    /// Table A.1's for the residual discriminator).
    public var discriminatorWidth = 0.125
    /// Table 5.2's refinements: the residual discriminator of Table A.1 ("rd"), a generator of
    /// twice the channels ("wg"), an IAF posterior ("iaf": one inverse autoregressive step per
    /// stochastic layer, Kingma et al. 2016), f_ψ with more scales ("s2": 2 scales; Fig. 5.12
    /// sweeps 1…4 scales and `flow_residual_blocks` 1…4).
    public var discriminator: ADEDiscriminator = .standard
    public var wideGenerator = false
    public var posteriorFlow: PosteriorFlow = .none
    public var flowScales = 1
    /// w on L_Q (A5.2) and the gradient-penalty coefficient (on interpolates of real and
    /// generated images, A5.9).
    public var qualityWeight: Float = 100
    public var penaltyWeight: Float = 100
    /// Algorithm 1's noisy samples (true) or Eq. 5.6's decoder means (false) for L_Q (A5.3).
    public var noisySamples = true
    /// Let L_Q's gradient reach ψ too (A5.4's other reading).
    public var qualityTrainsFeatureMap = false
    /// GAN only: steps of the post-hoc inference network (and σ) trained around the frozen
    /// generator for its BPD bound (§4.7); 0: no BPD for the GAN.
    public var posthocIterations = 200
    /// The IWAE k of the reported BPD, and held-out rows scored (all when unset).
    public var evaluationImportanceSamples = 10
    public var evaluationRows: Int?
    /// A classifier of the data's classes (`GlyphClassifier` checkpoint): with it FID, KID,
    /// precision / recall and the IS analogue of `metric_samples` samples in its features.
    public var classifier: String?
    public var metricSamples = 1_000
    public var gridSamples = 64
    /// Write the `metric_samples` samples (the ones the metrics score, drawn even without a
    /// classifier) to `evaluation_samples.h5` for `mixedbatch evaluate` (Inception-v3 IS / FID).
    public var exportSamples = false

    public init() {}

    /// The VAE's channels before the parameter compensation (doubled by `wide_generator`).
    public var generatorFeatures: Int { wideGenerator ? 2 * features : features }

    /// The refinements of this model as Table 5.2 tags them: "wg", "iaf", "rd", "s2" (in that
    /// order); only those that change the model (no "s2" without f_ψ, no "rd" without a
    /// discriminator).
    public var refinements: [String] {
        var tags: [String] = []
        if wideGenerator { tags.append("wg") }
        if posteriorFlow == .iaf { tags.append("iaf") }
        if discriminator == .residual && variant.trainsQuality { tags.append("rd") }
        if flowScales > 1 && variant.hasFeatureMap { tags.append("s\(flowScales)") }
        return tags
    }

    /// The row name of Tables 5.1 and 5.2, e.g. "AV-ADE (wg, rd)".
    public var modelLabel: String {
        refinements.isEmpty ? variant.label : "\(variant.label) (\(refinements.joined(separator: ", ")))"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case variant, data, testData = "test_data", batchSize = "batch_size", features, groups, latentChannels = "latent_channels"
        case flowResidualBlocks = "flow_residual_blocks", flowFeatures = "flow_features", flowCouplings = "flow_couplings"
        case flowNormalization = "flow_normalization"
        case compensateParameters = "compensate_parameters", discriminatorWidth = "discriminator_width"
        case discriminator, wideGenerator = "wide_generator", posteriorFlow = "posterior_flow", flowScales = "flow_scales"
        case qualityWeight = "quality_weight", penaltyWeight = "penalty_weight", noisySamples = "noisy_samples"
        case qualityTrainsFeatureMap = "quality_trains_feature_map", posthocIterations = "posthoc_iterations"
        case evaluationImportanceSamples = "evaluation_importance_samples", evaluationRows = "evaluation_rows"
        case classifier, metricSamples = "metric_samples", gridSamples = "grid_samples", exportSamples = "export_samples"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        switch key {
        case "variant": return ADEVariant.allCases.map(\.rawValue)
        case "discriminator": return ADEDiscriminator.allCases.map(\.rawValue)
        case "flow_normalization": return FlowNormalization.allCases.map(\.rawValue)
        case "posterior_flow": return PosteriorFlow.allCases.map(\.rawValue)
        default: return nil
        }
    }

    public func validate() throws {
        try requireSetting(!data.isEmpty, "data must name an 8-bit HDF5 image file")
        try requireCounts(["batch_size": batchSize, "features": features, "latent_channels": latentChannels,
                           "flow_features": flowFeatures, "evaluation_importance_samples": evaluationImportanceSamples],
                          in: SettingBounds.units)
        try requireCounts(["groups": groups, "flow_couplings": flowCouplings], in: SettingBounds.layers)
        try requireCounts(["flow_scales": flowScales], in: 1...5)
        try requireCounts(["flow_residual_blocks": flowResidualBlocks], in: 0...SettingBounds.layers.upperBound)
        try requireCounts(["metric_samples": metricSamples], in: SettingBounds.samples)
        try requireCounts(["grid_samples": gridSamples], in: 1...4_096)
        try requireSetting(discriminatorWidth > 0 && discriminatorWidth <= 4, "discriminator_width = \(discriminatorWidth) must be in (0, 4]")
        try requireSetting(qualityWeight >= 0 && qualityWeight.isFinite, "quality_weight = \(qualityWeight) must be ≥ 0")
        try requireSetting(penaltyWeight >= 0 && penaltyWeight.isFinite, "penalty_weight = \(penaltyWeight) must be ≥ 0")
        try requireSetting(SettingBounds.samples.contains(evaluationRows ?? 1), "evaluation_rows must be in 1…10⁷ (or unset)")
        try requireSetting((0...SettingBounds.steps.upperBound).contains(posthocIterations), "posthoc_iterations must be ≥ 0")
    }
}
