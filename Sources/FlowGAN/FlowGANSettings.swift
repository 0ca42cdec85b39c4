import Foundation
import Training

/// How a Flow-GAN's generator is trained (spec §5.2).
public enum FlowGANObjective: String, Codable, CaseIterable, Sendable {
    /// Maximum likelihood, Eq. 1: minimise E_data[−ln p_θ(x)]; no critic.
    case mle
    /// WGAN with the gradient penalty, Eq. 5: the critic's Wasserstein estimate, no likelihood.
    case adv
    /// Eq. 7: the WGAN loss plus λ · E_data[−ln p_θ(x)].
    case hybrid
}

/// Flow-GAN's own settings (keys in snake_case): the objective, its critic, the curves of
/// Fig. 2 and the post-training analyses (MODE score, Jacobian spectrum, Parzen estimate).
/// The flow itself, its data and its held-out images are the density settings' (`model`
/// nice or realnvp, `data`, `test_data`).
///
/// Defaults not given by the paper (its settings are in its code's README, A6.0b) are WGAN-GP's
/// own (Gulrajani et al.: 5 critic steps, penalty 10) and a DCGAN-style critic; λ = 0.1 is the
/// paper's MNIST value.
public struct FlowGANSettings: SettingsGroup {
    public var objective: FlowGANObjective = .hybrid
    /// λ of Eq. 7 (hybrid only): the weight of the mean NLL in nats per image.
    public var likelihoodWeight: Float = 0.1
    /// Critic steps per generator step, and the gradient-penalty coefficient.
    public var criticSteps = 5
    public var penaltyWeight: Float = 10
    /// Channels of the critic's first convolution (the second has twice as many).
    public var criticFeatures = 64
    /// Held-out images for the NLL curves and the choice of the best-validated checkpoint.
    public var validationData: String? = "data/mnist5k-validation.h5"
    /// Every this many iterations: the training and validation NLL on `curve_rows` images
    /// each (Fig. 2), the MODE score of `mode_samples` samples when a classifier is given, and
    /// `best.h5` when the validation NLL is the best so far. 0: no curves.
    public var curveEvery = 250
    public var curveRows = 500
    /// A `GlyphClassifier` checkpoint trained on the real digits: with it the MODE score is
    /// measured (in the curves and at the end).
    public var classifier: String?
    public var modeSamples = 1_000
    /// Latent points of the Jacobian analysis (Figs. 4 / 8; the paper's 64); 0: none.
    public var jacobianPoints = 64
    /// Generated samples that centre the Parzen-window estimate (Table 3); 0: none.
    public var parzenSamples = 2_000
    /// Table 3's AIS estimate (Wu et al. 2017) on the first `ais_images` test images (0: none;
    /// needs the Parzen estimate, whose bandwidth is AIS's observation noise σ): intermediate
    /// distributions and chains per image.
    public var aisImages = 16
    public var aisSteps = 200
    public var aisChains = 8

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case objective, likelihoodWeight = "likelihood_weight", criticSteps = "critic_steps", penaltyWeight = "penalty_weight"
        case criticFeatures = "critic_features", validationData = "validation_data", curveEvery = "curve_every"
        case curveRows = "curve_rows", classifier, modeSamples = "mode_samples", jacobianPoints = "jacobian_points"
        case parzenSamples = "parzen_samples", aisImages = "ais_images", aisSteps = "ais_steps", aisChains = "ais_chains"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        key == "objective" ? FlowGANObjective.allCases.map(\.rawValue) : nil
    }

    public func validate() throws {
        try requireSetting(likelihoodWeight >= 0 && likelihoodWeight.isFinite, "likelihood_weight = \(likelihoodWeight) must be ≥ 0")
        try requireSetting(penaltyWeight >= 0 && penaltyWeight.isFinite, "penalty_weight = \(penaltyWeight) must be ≥ 0")
        try requireCounts(["critic_steps": criticSteps], in: SettingBounds.layers)
        try requireCounts(["critic_features": criticFeatures, "curve_rows": curveRows], in: SettingBounds.units)
        try requireCounts(["mode_samples": modeSamples], in: SettingBounds.samples)
        try requireSetting(curveEvery >= 0, "curve_every = \(curveEvery) must be ≥ 0 (0: no curves)")
        try requireSetting((0...1_024).contains(jacobianPoints), "jacobian_points = \(jacobianPoints) must be in 0…1024")
        try requireSetting((0...100_000).contains(parzenSamples), "parzen_samples = \(parzenSamples) must be in 0…100000")
        try requireSetting((0...10_000).contains(aisImages), "ais_images = \(aisImages) must be in 0…10000")
        try requireSetting(aisImages == 0 || parzenSamples > 0,
                           "ais_images needs parzen_samples > 0 (AIS's observation noise is the Parzen bandwidth); set ais_images = 0")
        try requireCounts(["ais_steps": aisSteps], in: 1...100_000)
        try requireCounts(["ais_chains": aisChains], in: 1...1_024)
    }
}
