import TensorCore

/// An equal-weight mixture of isotropic Gaussians in the plane:
/// `p(x) = (1/K) Σ_k N(x; μ_k, σ² I₂)`.
///
/// The synthetic mode-dropping benchmark of chapter 4 (spec §3.7): a random that drops
/// modes or spreads mass between them is visible in a scatter plot and measurable with
/// `modeCoverage(samples:centers:standardDeviation:)` of the Evaluation module.
/// The built-in layouts are in `GaussianMixture2D+Presets.swift`.
public struct GaussianMixture2D: Equatable, Sendable {
    /// A short name for tables and manifests (`"squares"`, `"ring8"`, …).
    public let name: String
    /// The mode centres μ_k in row-major order (`x₀, y₀, x₁, y₁, …`).
    public let centerScalars: [Float]
    /// The standard deviation σ of every coordinate of every mode.
    public let standardDeviation: Float

    /// The number of modes K.
    public var modeCount: Int { centerScalars.count / 2 }

    /// The mode centres μ_k, `[K, 2]`.
    public var centers: Tensor { try! Tensor(shape: [modeCount, 2], scalars: centerScalars) }

    /// A mixture with the given centres `[K, 2]` (K ≥ 1, finite) and spread σ ≥ 0 (finite).
    public init(name: String = "mixture", centers: Tensor, standardDeviation: Float) throws {
        guard centers.rank == 2, centers.shape[1] == 2, centers.shape[0] >= 1 else {
            throw DatasetError.invalidParameter(
                dataset: name, parameter: "centers",
                detail: "must have shape [K, 2] with K ≥ 1, got \(centers.shape); pass one (x, y) row per mode")
        }
        guard centers.scalars.allSatisfy(\.isFinite) else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "centers",
                                                detail: "must be finite; remove the NaN or infinite coordinates")
        }
        guard standardDeviation.isFinite, standardDeviation >= 0 else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "standardDeviation",
                                                detail: "must be finite and ≥ 0, got \(standardDeviation)")
        }
        self.name = name
        self.centerScalars = centers.scalars
        self.standardDeviation = standardDeviation
    }

    /// A mixture from a list of `(x, y)` centres.
    public init(name: String = "mixture", centers: [(x: Double, y: Double)], standardDeviation: Double) throws {
        let flat = centers.flatMap { [Float($0.x), Float($0.y)] }
        guard !centers.isEmpty else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "centers",
                                                detail: "is empty; a mixture needs at least one mode")
        }
        try self.init(name: name, centers: Tensor(shape: [centers.count, 2], scalars: flat),
                      standardDeviation: Float(standardDeviation))
    }

    /// `count` points `[count, 2]`: for each, a mode drawn uniformly, then Gaussian noise
    /// of standard deviation σ around its centre. Everything comes from `random`, so
    /// the same stream state gives the same points bit for bit.
    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try sampleWithModes(count: count, random: &random).points
    }

    /// Like `sample(count:random:)`, also returning the mode each point was drawn from
    /// (`modes[i]` is the row of `centers` of point `i`). Draws the same numbers, so
    /// `sample` and `sampleWithModes` give the same points from the same stream.
    public func sampleWithModes(count: Int, random: inout RandomStream) throws -> (points: Tensor, modes: [Int]) {
        guard count >= 0 else {
            throw DatasetError.invalidParameter(dataset: name, parameter: "count",
                                                detail: "must be ≥ 0, got \(count)")
        }
        let k = modeCount
        let modes = (0..<count).map { _ in random.integer(in: 0..<k) }
        let noise = random.normal([count, 2], standardDeviation: standardDeviation)
        let means = centerScalars
        let points = noise.withUnsafeScalars { eps in
            Tensor(shape: [count, 2]) { out, _ in
                for i in 0..<count {
                    out[2 * i] = means[2 * modes[i]] + eps[2 * i]
                    out[2 * i + 1] = means[2 * modes[i] + 1] + eps[2 * i + 1]
                }
            }
        }
        return (points, modes)
    }

    /// A training batch of `count` points `[count, 2]` labelled with the mode each was drawn
    /// from: the same draws as `sample(count:random:)`.
    public func sampleBatch(count: Int, random: inout RandomStream) throws -> Batch {
        let (points, modes) = try sampleWithModes(count: count, random: &random)
        return try Batch(inputs: points, labels: modes)
    }
}
