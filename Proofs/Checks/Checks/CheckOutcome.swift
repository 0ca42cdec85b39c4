import Foundation

/// The verdict of one proof check: how many comparisons it made, the largest error it saw and,
/// on failure, the first counterexample.
struct CheckOutcome: Sendable {
    /// Number of claimed-versus-true comparisons.
    var comparisons = 0
    /// Comparisons that disagreed (exactly, or beyond `tolerance`).
    var failures = 0
    /// Largest |claimed − true| seen (as a Double, also for exact comparisons).
    var largestError = 0.0
    /// `nil` for exact comparisons; otherwise the stated Float64 / statistical tolerance.
    var tolerance: Double?
    /// The first failing comparison, for the report.
    var firstFailure: String?
    /// Extra lines printed under the check's line (e.g. a table of error versus steps).
    var notes: [String] = []

    var passed: Bool { failures == 0 && comparisons > 0 }

    /// Records an exact comparison of two rationals.
    mutating func expectEqual(_ claimed: Fraction, _ truth: Fraction, _ context: @autoclosure () -> String) {
        comparisons += 1
        if claimed == truth { return }
        failures += 1
        largestError = max(largestError, (claimed - truth).magnitude.doubleValue)
        if firstFailure == nil { firstFailure = "\(context()): claimed \(claimed), true \(truth)" }
    }

    /// Records an exact yes/no fact (error 1 when it fails).
    mutating func expect(_ condition: Bool, _ context: @autoclosure () -> String) {
        comparisons += 1
        if condition { return }
        failures += 1
        largestError = max(largestError, 1)
        if firstFailure == nil { firstFailure = context() }
    }

    /// Records a floating-point comparison `|claimed − truth| ≤ tolerance`; also sets the reported tolerance.
    mutating func expectClose(_ claimed: Double, _ truth: Double, tolerance: Double, _ context: @autoclosure () -> String) {
        comparisons += 1
        self.tolerance = max(self.tolerance ?? 0, tolerance)
        let error = abs(claimed - truth)
        largestError = max(largestError, error.isNaN ? .infinity : error)
        if error <= tolerance { return }
        failures += 1
        if firstFailure == nil { firstFailure = "\(context()): claimed \(claimed), true \(truth), |error| \(error) > \(tolerance)" }
    }

    /// Merges the comparisons of another outcome into this one.
    mutating func absorb(_ other: CheckOutcome) {
        comparisons += other.comparisons
        failures += other.failures
        largestError = max(largestError, other.largestError)
        if let t = other.tolerance { tolerance = max(tolerance ?? 0, t) }
        if firstFailure == nil { firstFailure = other.firstFailure }
    }

    /// "PASS" or "FAIL".
    var verdict: String { passed ? "PASS" : "FAIL" }

    /// Comparisons, largest error and tolerance (and the first failure, if any), on one line.
    var details: String {
        let error = String(format: "%.3g", largestError)
        let bound = tolerance.map { "tolerance " + String(format: "%.3g", $0) } ?? "exact"
        var line = "\(comparisons) comparisons, largest error \(error) (\(bound))"
        if comparisons == 0 { line += ", nothing compared" }
        if let failure = firstFailure { line += "; first failure: \(failure)" }
        return line
    }
}
