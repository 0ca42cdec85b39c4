import Foundation

/// The Inception Score formula (spec §1.10, §7.1) on class probabilities `p(y | x)`, one row
/// per sample: `IS = exp( E_x KL(p(y | x) ‖ p(y)) )` with `p(y)` the mean row. It is 1 when
/// every sample gets the same distribution and K for K equally frequent, confidently
/// classified classes. Rows must be non-negative and sum to 1 (within 1e-6).
public func inceptionScore(probabilities rows: [[Double]]) throws -> Double {
    guard let width = rows.first?.count, width > 0, rows.allSatisfy({ $0.count == width }) else {
        throw EvaluationError.invalidInput("inceptionScore needs at least one row and rows of one length")
    }
    guard rows.allSatisfy({ row in row.allSatisfy { $0 >= 0 } && abs(row.reduce(0, +) - 1) < 1e-6 }) else {
        throw EvaluationError.invalidInput("inceptionScore needs probability rows: non-negative, summing to 1")
    }
    var marginal = [Double](repeating: 0, count: width)
    for row in rows { for k in 0..<width { marginal[k] += row[k] / Double(rows.count) } }
    let meanKL = rows.reduce(0.0) { total, row in
        total + (0..<width).reduce(0.0) { sum, k in row[k] > 0 ? sum + row[k] * log(row[k] / marginal[k]) : sum }
    } / Double(rows.count)
    return exp(meanKL)
}

/// Errors of the metrics that take plain arrays rather than tensors, and of their feature extractors.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case invalidInput(String)
    /// The glyph classifier's checkpoint is missing or is not one.
    case missingClassifier(path: String)
    /// Feature-extractor weights that are missing, foreign or do not fit the network.
    case unusableWeights(path: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidInput(detail): return detail
        case let .missingClassifier(path):
            return "no glyph classifier at \(path); train one with `mixedbatch data glyph-classifier --output \(path)` "
                + "(make chapter4 trains it into results/chapter4/images/)"
        case let .unusableWeights(path, detail):
            return "cannot use the weights \(path): \(detail)"
        }
    }
}
