import Foundation

/// Flow-GAN's MODE score (spec §5.5, §7.5) on class probabilities `p(y | x)` of generated
/// samples, one row per sample, and the class marginal `p*(y)` of the training labels:
///
///     MODE = exp( E_x KL(p(y | x) ‖ p*(y)) − KL(p*(y) ‖ p(y)) ),  p(y) = E_x p(y | x)
///
/// Like the Inception Score but rewarding samples whose class histogram matches the
/// data's: K for confident samples spread as p* over its K equally frequent classes; lower
/// when a class is missing (the second KL grows) or samples are ambiguous.
public func modeScore(probabilities rows: [[Double]], dataMarginal reference: [Double]) throws -> Double {
    guard let width = rows.first?.count, width == reference.count, rows.allSatisfy({ $0.count == width }) else {
        throw EvaluationError.invalidInput("modeScore needs rows and a data marginal of one length")
    }
    let isDistribution = { (row: [Double]) in row.allSatisfy { $0 >= 0 } && abs(row.reduce(0, +) - 1) < 1e-6 }
    guard rows.allSatisfy(isDistribution), isDistribution(reference) else {
        throw EvaluationError.invalidInput("modeScore needs probability rows and marginal: non-negative, summing to 1")
    }
    func kl(_ p: [Double], _ q: [Double]) -> Double {
        zip(p, q).reduce(0.0) { total, pair in pair.0 > 0 ? total + pair.0 * log(pair.0 / max(pair.1, 1e-300)) : total }
    }
    var marginal = [Double](repeating: 0, count: width)
    for row in rows { for k in 0..<width { marginal[k] += row[k] / Double(rows.count) } }
    let meanKL = rows.reduce(0.0) { $0 + kl($1, reference) } / Double(rows.count)
    return exp(meanKL - kl(reference, marginal))
}

/// The class frequencies of `labels` in 0..<classes.
public func labelMarginal(_ labels: [Int], classes: Int = 10) throws -> [Double] {
    guard !labels.isEmpty, labels.allSatisfy({ (0..<classes).contains($0) }) else {
        throw EvaluationError.invalidInput("labelMarginal needs labels in 0..<\(classes)")
    }
    var counts = [Double](repeating: 0, count: classes)
    for label in labels { counts[label] += 1 }
    return counts.map { $0 / Double(labels.count) }
}
