import Foundation

/// Runs checks and prints one line per check, then the closing `N passed, N failed` line.
enum CheckRunner {
    /// Returns the number of failed checks.
    @discardableResult
    static func run(_ checks: [ProofCheck], print emit: (String) -> Void = { Swift.print($0) }) -> Int {
        var passed = 0, failed = 0
        for check in checks {
            let start = Date()
            let outcome: CheckOutcome
            do {
                outcome = try check.run()
            } catch {
                var thrown = CheckOutcome()
                thrown.expect(false, "error: \(error)")
                outcome = thrown
            }
            let seconds = String(format: "%.2f s", Date().timeIntervalSince(start))
            emit("\(outcome.verdict) \(check.name): \(check.statement) — \(outcome.details) [\(seconds)]")
            for note in outcome.notes { emit("    \(note)") }
            if outcome.passed { passed += 1 } else { failed += 1 }
        }
        emit("\(passed) passed, \(failed) failed")
        return failed
    }

    /// The checks whose names contain any of `filters` (all checks when `filters` is empty).
    static func select(_ checks: [ProofCheck], filters: [String]) throws -> [ProofCheck] {
        guard !filters.isEmpty else { return checks }
        let chosen = checks.filter { check in filters.contains { check.name.contains($0) } }
        guard !chosen.isEmpty else {
            throw ProofCheckError("no check name contains \(filters.joined(separator: " or ")); run `ProofChecks --list` to see the names")
        }
        return chosen
    }
}
