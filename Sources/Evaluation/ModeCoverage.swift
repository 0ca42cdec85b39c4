import Foundation
import TensorCore

/// How well a set of 2D samples covers the modes of a Gaussian mixture (spec §7.7; the
/// protocol of VEEGAN and PacGAN).
///
/// A sample is *high quality* when it lies within `qualityThreshold · σ` (3σ by default) of
/// its nearest mode centre — inclusive: a sample exactly on the boundary counts. A mode is
/// *covered* when it is the nearest mode of at least one high-quality sample.
public struct ModeCoverage: Equatable, Sendable {
    /// Number of covered modes.
    public var modes: Int
    /// Number of modes K of the mixture.
    public var modesTotal: Int
    /// Fraction of the samples that are high quality, in [0, 1] (0 when there are no samples).
    public var hqFraction: Double
    /// `KL(h ‖ u) = Σ_k h_k ln(K h_k)` in nats, with `h` the histogram of the high-quality
    /// samples over their nearest modes (normalised to sum 1) and `u` uniform over the K
    /// modes. Modes with no sample contribute 0 (`0 ln 0 = 0`). It is 0 for a perfectly even
    /// cover and `ln(K / m)` for an even cover of m modes.
    ///
    /// Convention: when no sample is high quality the histogram is undefined and the value is
    /// `+∞`, so that a run with no usable sample never averages into a good score.
    public var reverseKL: Double
    /// Number of high-quality samples whose nearest mode is each mode, `[K]`.
    public var highQualityCounts: [Int]
    /// Number of samples N.
    public var sampleCount: Int
}

/// The nearest mode centre of each sample and the squared distance to it.
///
/// `samples [N, 2]`, `centers [K, 2]` → `N` indices into the rows of `centers` (ties go to the
/// lower index) and `N` squared Euclidean distances, computed in Float64.
public func nearestModes(samples: Tensor, centers: Tensor) throws -> (indices: [Int], squaredDistances: [Double]) {
    try checkPoints(samples, role: "samples", allowEmpty: true)
    try checkPoints(centers, role: "centers", allowEmpty: false)
    let n = samples.shape[0], k = centers.shape[0]
    let points = samples.scalars.map(Double.init)
    let means = centers.scalars.map(Double.init)
    var indices = [Int](repeating: 0, count: n)
    var distances = [Double](repeating: .infinity, count: n)
    for i in 0..<n {
        let x = points[2 * i], y = points[2 * i + 1]
        var best = 0
        var bestDistance = Double.infinity
        for j in 0..<k {
            let dx = x - means[2 * j], dy = y - means[2 * j + 1]
            let distance = dx * dx + dy * dy
            if distance < bestDistance { bestDistance = distance; best = j }
        }
        indices[i] = best
        distances[i] = bestDistance
    }
    return (indices, distances)
}

/// Mode coverage of `samples [N, 2]` for a mixture with centres `centers [K, 2]` and
/// per-coordinate standard deviation `standardDeviation` (σ > 0): see `ModeCoverage`.
/// `qualityThreshold` is the radius of a high-quality sample in units of σ (3 in spec §7.7).
/// Samples with NaN or infinite coordinates are never high quality.
public func modeCoverage(samples: Tensor, centers: Tensor, standardDeviation: Double,
                         qualityThreshold: Double = 3) throws -> ModeCoverage {
    guard standardDeviation.isFinite, standardDeviation > 0 else {
        throw TensorError.invalidArgument(operation: "modeCoverage",
                                          detail: "standardDeviation must be finite and > 0, got \(standardDeviation)")
    }
    guard qualityThreshold.isFinite, qualityThreshold > 0 else {
        throw TensorError.invalidArgument(operation: "modeCoverage",
                                          detail: "qualityThreshold must be finite and > 0, got \(qualityThreshold)")
    }
    let (indices, squaredDistances) = try nearestModes(samples: samples, centers: centers)
    let k = centers.shape[0]
    let radius = qualityThreshold * standardDeviation
    var counts = [Int](repeating: 0, count: k)
    for (mode, distance) in zip(indices, squaredDistances) where distance <= radius * radius {
        counts[mode] += 1
    }
    let highQuality = counts.reduce(0, +)
    let n = indices.count
    return ModeCoverage(modes: counts.filter { $0 > 0 }.count,
                        modesTotal: k,
                        hqFraction: n == 0 ? 0 : Double(highQuality) / Double(n),
                        reverseKL: klFromUniform(counts: counts),
                        highQualityCounts: counts,
                        sampleCount: n)
}

/// `KL(h ‖ uniform over K)` in nats for the histogram of `counts`; `+∞` when all counts are 0.
func klFromUniform(counts: [Int]) -> Double {
    let total = Double(counts.reduce(0, +))
    guard total > 0 else { return .infinity }
    let k = Double(counts.count)
    return counts.reduce(0.0) { sum, count in
        guard count > 0 else { return sum }
        let p = Double(count) / total
        return sum + p * log(p * k)
    }
}

/// Checks that `points` is `[M, 2]` (M ≥ 1 unless `allowEmpty`).
private func checkPoints(_ points: Tensor, role: String, allowEmpty: Bool) throws {
    guard points.rank == 2, points.shape[1] == 2, allowEmpty || points.shape[0] >= 1 else {
        throw TensorError.invalidShape(
            operation: "modeCoverage", shape: points.shape,
            expected: "\(role) must be [\(allowEmpty ? "N" : "K ≥ 1"), 2] (one (x, y) row per \(role == "centers" ? "mode" : "sample"))")
    }
}
