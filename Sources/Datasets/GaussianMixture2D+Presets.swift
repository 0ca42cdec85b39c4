import Foundation

/// The built-in 2D mixtures of chapter 4 (spec §3.7) and the two literature settings.
extension GaussianMixture2D {
    /// The names `named(_:)` accepts, in the order they are listed in errors.
    public static let presetNames = ["squares", "circles", "grid25", "ring8"]

    /// The preset called `name` with its default parameters (`squares()`, `circles()`,
    /// `grid25`, `ring8`); an unknown name throws an error listing the valid ones.
    public static func named(_ name: String) throws -> GaussianMixture2D {
        switch name {
        case "squares": return try squares()
        case "circles": return try circles()
        case "grid25": return grid25
        case "ring8": return ring8
        default: throw DatasetError.unknownDataset(name: name, available: presetNames)
        }
    }

    /// "Squares": `modesPerSide²` modes on a square grid centred at the origin, neighbours
    /// `spacing` apart. The defaults are the suggestion of spec §3.7: 25 modes on
    /// `{−2, −1, 0, 1, 2}²`, σ = 0.02. Modes are listed row by row (y outer, x inner),
    /// from (−2, −2) to (2, 2).
    public static func squares(modesPerSide: Int = 5, spacing: Double = 1,
                               standardDeviation: Double = 0.02, name: String = "squares") throws -> GaussianMixture2D {
        guard modesPerSide >= 1 else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "modesPerSide",
                                                detail: "must be ≥ 1, got \(modesPerSide)")
        }
        guard spacing.isFinite, spacing > 0 else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "spacing",
                                                detail: "must be finite and > 0, got \(spacing)")
        }
        let offset = Double(modesPerSide - 1) / 2
        let coordinates = (0..<modesPerSide).map { (Double($0) - offset) * spacing }
        let centers = coordinates.flatMap { y in coordinates.map { x in (x: x, y: y) } }
        return try GaussianMixture2D(name: name, centers: centers, standardDeviation: standardDeviation)
    }

    /// "Circles": `modeCount` modes evenly spaced on a circle of `radius` around the origin,
    /// the first at angle 0 and the others counter-clockwise. The defaults are the suggestion
    /// of spec §3.7: 8 modes at radius √2 (centres (±√2, 0), (0, ±√2), (±1, ±1)), σ = 0.02.
    public static func circles(modeCount: Int = 8, radius: Double = 2.0.squareRoot(),
                               standardDeviation: Double = 0.02, name: String = "circles") throws -> GaussianMixture2D {
        guard modeCount >= 1 else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "modeCount",
                                                detail: "must be ≥ 1, got \(modeCount)")
        }
        guard radius.isFinite, radius >= 0 else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "radius",
                                                detail: "must be finite and ≥ 0, got \(radius)")
        }
        let centers = (0..<modeCount).map { k -> (x: Double, y: Double) in
            let angle = 2 * Double.pi * Double(k) / Double(modeCount)
            return (radius * cos(angle), radius * sin(angle))
        }
        return try GaussianMixture2D(name: name, centers: centers, standardDeviation: standardDeviation)
    }

    /// The 25-mode grid of the mode-collapse literature (VEEGAN, PacGAN): centres
    /// `{−4, −2, 0, 2, 4}²`, σ = 0.05.
    public static let grid25 = try! squares(modesPerSide: 5, spacing: 2, standardDeviation: 0.05, name: "grid25")

    /// The 8-mode ring of the mode-collapse literature (Unrolled GAN, VEEGAN, PacGAN):
    /// 8 centres on the unit circle, σ = 0.01.
    public static let ring8 = try! circles(modeCount: 8, radius: 1, standardDeviation: 0.01, name: "ring8")
}
