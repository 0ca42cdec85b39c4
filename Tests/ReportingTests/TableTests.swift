import Foundation
import Reporting
import TestSupport
import Testing

/// CSV and Markdown output character for character, and the mean ± std aggregation over runs.
@Suite struct TableTests {
    private func sample() throws -> Table {
        var table = try Table(columns: ["method", "note", "modes", "hq"])
        try table.append(["BGAN", "plain", 25, 0.9])
        try table.append(["GAN, baseline", "says \"hi\"", 3, 0.123456])
        try table.append(["method": "multi", "note": "line\nbreak", "hq": .number(.nan)])
        return table
    }

    @Test func csvQuotesFieldsAsRFC4180Says() throws {
        #expect(try sample().csv() == #"""
            method,note,modes,hq
            BGAN,plain,25,0.9
            "GAN, baseline","says ""hi""",3,0.123456
            multi,"line
            break",,nan

            """#)
        #expect(try sample().csv(lineEnding: "\r\n").hasPrefix("method,note,modes,hq\r\nBGAN,plain,25,0.9\r\n"))
    }

    @Test func markdownAlignsPipesAndFormatsNumbers() throws {
        #expect(try sample().markdown(precision: 2) == """
            | method        | note       | modes |   hq |
            | :------------ | :--------- | ----: | ---: |
            | BGAN          | plain      |    25 | 0.90 |
            | GAN, baseline | says "hi"  |     3 | 0.12 |
            | multi         | line break |       |  nan |

            """)
        var piped = try Table(columns: ["a|b"])
        try piped.append(["x|y"])
        #expect(piped.markdown() == "| a\\|b |\n| :--- |\n| x\\|y |\n")
    }

    /// GAN: modes 3, 5, 4 → 4 ± 1; hq 0.5, 0.7 (one missing) → 0.6 ± 0.1414.
    /// BGAN: modes 25, 24 → 24.5 ± 0.7071; hq 0.9, 0.8 → 0.85 ± 0.0707. Solo: one run, no std.
    @Test func meanAndStandardDeviationOverSeeds() throws {
        var runs = try Table(columns: ["method", "seed", "modes", "hq", "comment"])
        try runs.append(["GAN", 0, 3, 0.5, "diverged"])
        try runs.append(["BGAN", 0, 25, 0.9, ""])
        try runs.append(["GAN", 1, 5, 0.7, ""])
        try runs.append(["BGAN", 1, 24, 0.8, ""])
        try runs.append(["GAN", 2, 4, .missing, ""])
        try runs.append(["solo", 0, 7, 0.25, ""])
        let summary = try runs.meanAndStandardDeviation(groupedBy: ["method"], summarising: ["modes", "hq"])
        #expect(summary.columns == ["method", "runs", "modes", "hq"])
        guard case let .summary(ganMean, ganStd, ganCount) = summary.rows[0][3] else {
            Issue.record("expected a summary, got \(summary.rows[0][3])")
            return
        }
        #expect(abs(ganMean - 0.6) < 1e-12 && abs(ganStd - 0.02.squareRoot()) < 1e-12 && ganCount == 2)
        #expect(summary.rows[0][2] == .summary(mean: 4, standardDeviation: 1, count: 3))
        #expect(summary.markdown(precision: 2) == """
            | method | runs |        modes |          hq |
            | :----- | ---: | -----------: | ----------: |
            | GAN    |    3 |  4.00 ± 1.00 | 0.60 ± 0.14 |
            | BGAN   |    2 | 24.50 ± 0.71 | 0.85 ± 0.07 |
            | solo   |    1 |         7.00 |        0.25 |

            """)
        let csvLines = summary.csv().split(separator: "\n")
        #expect(csvLines[0] == "method,runs,modes_mean,modes_std,hq_mean,hq_std")
        #expect(csvLines[1].hasPrefix("GAN,3,4.0,1.0,"))
        #expect(csvLines[3] == "solo,1,7.0,,0.25,")

        // By default every numeric non-key column is summarised and text columns are left out.
        #expect(try runs.meanAndStandardDeviation(groupedBy: ["method"]).columns == ["method", "runs", "seed", "modes", "hq"])
        let error = #expect(throws: ReportingError.self) {
            try runs.meanAndStandardDeviation(groupedBy: ["method"], summarising: ["comment"])
        }
        #expect(error?.description.contains("column 'comment' holds values that are not numbers") == true)
        #expect(throws: ReportingError.self) { try runs.meanAndStandardDeviation(groupedBy: ["algorithm"]) }
    }

    @Test func malformedRowsAreRejected() throws {
        var table = try Table(columns: ["a", "b"])
        let short = #expect(throws: ReportingError.self) { try table.append([1]) }
        #expect(short?.description == "Table.append: the row has 1 values but the table has 2 columns (a, b)")
        let unknown = #expect(throws: ReportingError.self) { try table.append(["c": 1]) }
        #expect(unknown?.description == "Table.append: unknown column 'c'; the table's columns are a, b")
        #expect(throws: ReportingError.self) { try Table(columns: ["a", "a"]) }
        #expect(throws: ReportingError.self) { try Table(columns: []) }
    }

    @Test func tablesAreWrittenAtomically() throws {
        let folder = TemporaryFolder()
        let table = try sample()
        try table.writeCSV(to: folder.file("t.csv"))
        try table.writeMarkdown(to: folder.file("t.md"), precision: 2)
        #expect(try String(contentsOfFile: folder.file("t.csv"), encoding: .utf8) == table.csv())
        #expect(try String(contentsOfFile: folder.file("t.md"), encoding: .utf8) == table.markdown(precision: 2))
        #expect(throws: ReportingError.fileExists(path: folder.file("t.csv"))) { try table.writeCSV(to: folder.file("t.csv")) }
    }
}
