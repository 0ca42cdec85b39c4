import CBLAS
import Foundation
import TensorCore

/// An equal-weight mixture of isotropic Gaussians, one on each of m centres `c_k` in D
/// dimensions, with one shared bandwidth σ:
///
///     ln p(x) = logsumexp_k( −‖x − c_k‖² / (2σ²) ) − ln m − (D/2) ln(2πσ²)
///
/// Two uses in Flow-GAN (spec §5.5, §7.8): the *memoriser* baseline, centred on the training
/// points, and the Parzen-window (KDE) estimate of a generator's likelihood, centred on its
/// samples. The squared distances are computed once (in double precision, by one GEMM), so a
/// sweep over σ costs only the log-sum-exp.
public struct KernelDensity: Sendable {
    /// Centres `[m, D]`, row-major.
    public let centres: [Double]
    public let count: Int
    public let dimensions: Int

    /// 20 bandwidths spaced evenly in log between 0.01 and 1: the line search of the memoriser
    /// (the paper searches (0, 1]) and of the Parzen estimate.
    public static let logSpacedBandwidths = (0..<20).map { pow(10, -2 + 2 * Double($0) / 19) }

    /// `centres` `[m, D]` (any rank ≥ 2: every axis after the first is flattened).
    public init(centres: Tensor) throws {
        guard centres.rank >= 2, centres.shape[0] >= 1, centres.count > 0 else {
            throw EvaluationError.invalidInput("KernelDensity needs centres [m, D] with m ≥ 1 (got \(centres.shape))")
        }
        count = centres.shape[0]
        dimensions = centres.count / count
        self.centres = centres.scalars.map(Double.init)
    }

    /// `‖x_i − c_k‖²` for each row of `points` `[n, …]` (flattened to D): row-major `[n, m]`.
    public func squaredDistances(to points: Tensor) throws -> [Double] {
        guard points.rank >= 2, points.count == points.shape[0] * dimensions else {
            throw EvaluationError.invalidInput("KernelDensity: points \(points.shape) do not have the centres' \(dimensions) dimensions per row")
        }
        let n = points.shape[0], m = count, d = dimensions
        let x = points.scalars.map(Double.init)
        var products = [Double](repeating: 0, count: n * m)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(m), Int32(d), 1, x, Int32(d), centres, Int32(d),
                    0, &products, Int32(m))
        let pointNorms = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + x[i * d + $1] * x[i * d + $1] } }
        let centreNorms = (0..<m).map { k in (0..<d).reduce(0.0) { $0 + centres[k * d + $1] * centres[k * d + $1] } }
        for i in 0..<n {
            for k in 0..<m { products[i * m + k] = max(0, pointNorms[i] + centreNorms[k] - 2 * products[i * m + k]) }
        }
        return products
    }

    /// `ln p(x_i)` in nats for each row of precomputed `squaredDistances` `[n, m]` at bandwidth `sigma`.
    public func logDensities(squaredDistances distances: [Double], bandwidth sigma: Double) throws -> [Double] {
        guard sigma > 0, sigma.isFinite else { throw EvaluationError.invalidInput("bandwidth σ = \(sigma) must be finite and > 0") }
        guard distances.count % count == 0 else {
            throw EvaluationError.invalidInput("\(distances.count) squared distances are not rows of \(count) centres")
        }
        let normaliser = log(Double(count)) + 0.5 * Double(dimensions) * log(2 * Double.pi * sigma * sigma)
        let scale = -0.5 / (sigma * sigma)
        return stride(from: 0, to: distances.count, by: count).map { start in
            let row = distances[start..<(start + count)]
            let largest = row.min()! * scale
            let total = row.reduce(0.0) { $0 + exp($1 * scale - largest) }
            return largest + log(total) - normaliser
        }
    }

    /// `ln p(x_i)` for each row of `points` `[n, …]` at bandwidth `sigma`.
    public func logDensities(of points: Tensor, bandwidth sigma: Double) throws -> [Double] {
        try logDensities(squaredDistances: squaredDistances(to: points), bandwidth: sigma)
    }

    /// The bandwidth of `candidates` with the highest mean log-density of `points` (the line
    /// search of spec §5.5), with that mean for every candidate.
    public func selectBandwidth(for points: Tensor, candidates: [Double]) throws
        -> (best: Double, meanLogDensities: [Double]) {
        guard !candidates.isEmpty else { throw EvaluationError.invalidInput("no candidate bandwidths") }
        let distances = try squaredDistances(to: points)
        let means = try candidates.map { sigma in
            try logDensities(squaredDistances: distances, bandwidth: sigma).reduce(0, +) / Double(points.shape[0])
        }
        let best = means.indices.max { means[$0] < means[$1] }!
        return (candidates[best], means)
    }

    /// `count` samples `[count, D]`: a centre chosen uniformly, plus `σ·ε`, `ε ~ N(0, I)`.
    public func sample(count samples: Int, bandwidth sigma: Double, random: inout RandomStream) -> Tensor {
        let noise = random.normal([samples, dimensions], standardDeviation: Float(sigma)).scalars
        let chosen = (0..<samples).map { _ in random.integer(in: 0..<count) }
        let d = dimensions
        return Tensor(shape: [samples, d]) { out, _ in
            for i in 0..<samples {
                for j in 0..<d { out[i * d + j] = Float(centres[chosen[i] * d + j]) + noise[i * d + j] }
            }
        }
    }
}
