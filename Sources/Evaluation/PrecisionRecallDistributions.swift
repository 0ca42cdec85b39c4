import Foundation
import TensorCore

/// A precision–recall curve for distributions (PRD; Sajjadi et al. 2018; spec §7.4, Fig. 5.11).
///
/// For a reference distribution P (the real data) and a model Q on a finite set Ω, every
/// slope λ > 0 gives one attainable pair
///
///     α(λ) = Σ_ω min(λ·P(ω), Q(ω))      (precision: how much of Q lies where P has mass)
///     β(λ) = α(λ) / λ                    (recall: how much of P the model reaches)
///
/// and the curve is their frontier: Q = P gives the corner (1, 1); disjoint supports give the
/// origin only. Points are stored in order of increasing λ (recall falls from its largest
/// value P(supp Q) to 0 while precision rises to Q(supp P)).
public struct PRDCurve: Codable, Equatable, Sendable {
    public var precision: [Double]
    public var recall: [Double]

    public init(precision: [Double], recall: [Double]) {
        self.precision = precision
        self.recall = recall
    }

    /// The area under precision as a function of recall (trapezoids between consecutive
    /// points, closed at recall 0 with the last precision): 1 for Q = P, 0 for disjoint
    /// supports; the thesis ranks models by it.
    public var area: Double {
        var points = zip(recall, precision).sorted { $0.0 < $1.0 }
        if let first = points.first, first.0 > 0 { points.insert((0, first.1), at: 0) }
        return zip(points, points.dropFirst()).reduce(0) { $0 + ($1.1.0 - $1.0.0) * ($1.1.1 + $1.0.1) / 2 }
    }

    /// `max_λ F_β(α(λ), β(λ))` with `F_β = (1 + β²)·p·r / (β²·p + r)`: β = 8 weighs recall
    /// (`recallScore`), β = 1/8 precision (`precisionScore`), the paper's summary pair.
    public func maximumF(beta: Double) -> Double {
        zip(precision, recall).map { p, r in
            let denominator = beta * beta * p + r
            return denominator > 0 ? (1 + beta * beta) * p * r / denominator : 0
        }.max() ?? 0
    }

    /// F₈: high when the model covers the data (recall).
    public var recallScore: Double { maximumF(beta: 8) }
    /// F₁/₈: high when the model's samples are realistic (precision).
    public var precisionScore: Double { maximumF(beta: 1.0 / 8) }

    /// The curve of histograms `reference` (P) and `model` (Q) over the same bins (each
    /// normalised here), at `angles` slopes λ = tan θ for θ evenly spaced strictly inside
    /// (0, π/2), as the reference implementation evaluates them.
    public static func between(reference: [Double], model: [Double], angles: Int = 1_001) throws -> PRDCurve {
        guard reference.count == model.count, !reference.isEmpty, angles >= 2 else {
            throw TensorError.invalidArgument(operation: "PRDCurve",
                                              detail: "two histograms over the same ≥ 1 bins and ≥ 2 angles are needed (got \(reference.count) "
                                                  + "and \(model.count) bins, \(angles) angles)")
        }
        guard reference.allSatisfy({ $0 >= 0 && $0.isFinite }), model.allSatisfy({ $0 >= 0 && $0.isFinite }),
              reference.reduce(0, +) > 0, model.reduce(0, +) > 0 else {
            throw TensorError.invalidArgument(operation: "PRDCurve", detail: "histograms must be finite, non-negative and not all zero")
        }
        let p = normalised(reference), q = normalised(model)
        let epsilon = 1e-10
        var precision: [Double] = [], recall: [Double] = []
        for index in 0..<angles {
            let angle = epsilon + (Double.pi / 2 - 2 * epsilon) * Double(index) / Double(angles - 1)
            let slope = tan(angle)
            let alpha = min(1, zip(p, q).reduce(0) { $0 + min(slope * $1.0, $1.1) })
            precision.append(alpha)
            recall.append(min(1, alpha / slope))
        }
        return PRDCurve(precision: precision, recall: recall)
    }

    /// The pointwise mean of curves at the same slopes (the reference averages its runs so).
    public static func average(_ curves: [PRDCurve]) throws -> PRDCurve {
        guard let first = curves.first, curves.allSatisfy({ $0.precision.count == first.precision.count }) else {
            throw TensorError.invalidArgument(operation: "PRDCurve.average", detail: "needs ≥ 1 curve, all at the same slopes")
        }
        let n = Double(curves.count)
        return PRDCurve(precision: (0..<first.precision.count).map { i in curves.reduce(0) { $0 + $1.precision[i] } / n },
                        recall: (0..<first.recall.count).map { i in curves.reduce(0) { $0 + $1.recall[i] } / n })
    }

    private static func normalised(_ histogram: [Double]) -> [Double] {
        let total = histogram.reduce(0, +)
        return histogram.map { $0 / total }
    }
}

/// PRD of generated against real features (`[n, D]`, `[m, D]`), as Sajjadi et al. compute it:
/// k-means with `clusters` centres on the union of both sets, the two cluster histograms, their
/// curve at `angles` slopes; repeated for `runs` clusterings (run r seeded by `random`'s
/// split r) and averaged. Both sets need at least `clusters` rows together; the paper's defaults are 20
/// clusters, 10 runs, 1,001 angles and equally many real and generated samples.
public func precisionRecallDistributions(real: Tensor, generated: Tensor, clusters: Int = 20, runs: Int = 10,
                                         angles: Int = 1_001, random: RandomStream) throws -> PRDCurve {
    guard runs >= 1 else {
        throw TensorError.invalidArgument(operation: "precisionRecallDistributions", detail: "runs = \(runs) must be ≥ 1")
    }
    let x = try FeatureMatrix(real, role: "real features")
    let y = try FeatureMatrix(generated, role: "generated features")
    try requireSameDimension(x, y, metric: "precisionRecallDistributions")
    let union = FeatureMatrix(rows: x.rows + y.rows, dimension: x.dimension, values: x.values + y.values)
    var curves: [PRDCurve] = []
    for run in 0..<runs {
        var stream = random.split(UInt64(run))
        let clustering = try KMeans(union, clusters: clusters, random: &stream)
        var reference = [Double](repeating: 0, count: clusters), model = [Double](repeating: 0, count: clusters)
        for (row, cluster) in clustering.assignments.enumerated() {
            if row < x.rows { reference[cluster] += 1 } else { model[cluster] += 1 }
        }
        curves.append(try PRDCurve.between(reference: reference, model: model, angles: angles))
    }
    return try PRDCurve.average(curves)
}
