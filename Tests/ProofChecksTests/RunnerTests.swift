import Testing
@testable import ProofChecks

@Suite("Check runner and registry")
struct RunnerTests {
    @Test("one line per check, then `N passed, N failed`; thrown errors count as failures")
    func report() {
        var passing = CheckOutcome()
        passing.expectEqual(Fraction(1, 2), Fraction(2, 4), "half")
        var failing = CheckOutcome()
        failing.expectClose(1.0, 1.5, tolerance: 0.1, "off by a half")
        let checks = [
            ProofCheck(name: "a.pass", statement: "holds") { passing },
            ProofCheck(name: "b.fail", statement: "does not hold") { failing },
            ProofCheck(name: "c.throws", statement: "throws") { throw ProofCheckError("boom") },
        ]
        var lines = [String]()
        let failed = CheckRunner.run(checks) { lines.append($0) }
        #expect(failed == 2)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("PASS a.pass: holds — 1 comparisons, largest error 0 (exact)"))
        #expect(lines[1].hasPrefix("FAIL b.fail") && lines[1].contains("largest error 0.5 (tolerance 0.1)"))
        #expect(lines[2].hasPrefix("FAIL c.throws") && lines[2].contains("boom"))
        #expect(lines[3] == "1 passed, 2 failed")
    }

    @Test("an outcome that compared nothing does not pass")
    func emptyOutcome() {
        #expect(!CheckOutcome().passed)
    }

    @Test("name filters select checks and reject unknown names")
    func filters() throws {
        let checks = CheckRegistry.checks(.quick)
        #expect(Set(checks.map(\.name)).count == checks.count)
        #expect(try CheckRunner.select(checks, filters: ["prop1."]).allSatisfy { $0.name.hasPrefix("prop1.") })
        #expect(throws: ProofCheckError.self) { try CheckRunner.select(checks, filters: ["no-such-check"]) }
    }

    @Test("every registered check passes on the quick configuration")
    func quickRegistryPasses() {
        var lines = [String]()
        let failed = CheckRunner.run(CheckRegistry.checks(.quick)) { lines.append($0) }
        #expect(failed == 0, "\(lines.filter { $0.hasPrefix("FAIL") })")
    }
}
