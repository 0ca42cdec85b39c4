import Training

/// The hybrid of a run (keys `hybrid`, `samples`, `alpha`, `beta`, `latent_weight`,
/// `code_width`, `code_depth`): `hybrid` unset trains the plain GAN of `method`.
///
/// T, α and β were lost from the BMS paper's text (spec A6.2); our defaults are T = 1 (set
/// `samples`), α = β = λ = 1 with the ℓ1 reconstruction term, and `make bms` sweeps T.
public struct HybridSettings: SettingsGroup {
    public var hybrid: HybridModel?
    /// T, posterior samples per point.
    public var samples = 1
    public var alpha: Float = 1
    public var beta: Float = 1
    public var latentWeight: Float = 1
    /// The code discriminator: three hidden layers of 750 units in the BMS paper.
    public var codeWidth = 750
    public var codeDepth = 3

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hybrid, samples, alpha, beta, latentWeight = "latent_weight", codeWidth = "code_width", codeDepth = "code_depth"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        key == CodingKeys.hybrid.rawValue ? HybridModel.allCases.map(\.rawValue) : nil
    }

    /// Whether names and tables show T: for best-of-many hybrids, and for any hybrid with T > 1.
    public var namesSamples: Bool { hybrid.map { $0.usesBestOfMany || samples > 1 } ?? false }

    /// The objective these settings describe, or nil for a plain GAN.
    public func makeObjective() throws -> HybridObjective? {
        try hybrid.map {
            try HybridObjective(components: $0.components, samples: samples, alpha: alpha, beta: beta, latentWeight: latentWeight)
        }
    }

    public func validate() throws {
        try requireCounts(["samples": samples], in: 1...4_096)
        try requireCounts(["code_width": codeWidth], in: SettingBounds.units)
        try requireCounts(["code_depth": codeDepth], in: SettingBounds.layers)
        for (key, value) in [("alpha", alpha), ("beta", beta), ("latent_weight", latentWeight)] {
            try requireSetting(value.isFinite && value >= 0, "\(key) = \(value) must be a finite number ≥ 0")
        }
    }
}
