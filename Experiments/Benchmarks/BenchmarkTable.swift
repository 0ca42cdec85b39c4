import Foundation

/// Times a piece of work and collects the rows of a Markdown table.
struct BenchmarkTable {
    struct Row {
        var name: String
        var milliseconds: Double
        var gflops: Double?
        var note: String
    }

    private(set) var rows: [Row] = []

    /// Median wall time (ms) of `body` over repeated runs after a warm-up, running at
    /// least `minimumRuns` times and about `budgetSeconds` in total.
    static func medianMilliseconds(minimumRuns: Int = 5, budgetSeconds: Double = 1.5, _ body: () throws -> Void) rethrows -> Double {
        try body()  // warm-up (allocations, BLAS thread start-up)
        var samples: [Double] = []
        let clock = ContinuousClock()
        let start = clock.now
        while samples.count < minimumRuns || (clock.now - start) < .seconds(budgetSeconds) {
            let t0 = clock.now
            try body()
            samples.append((clock.now - t0).milliseconds)
            if samples.count >= 1000 { break }
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    /// Measures `body`; `flops` (per run) adds a GFLOP/s column.
    @discardableResult
    mutating func measure(_ name: String, flops: Double? = nil, note: String = "", _ body: () throws -> Void) rethrows -> Row {
        let ms = try Self.medianMilliseconds(body)
        let row = Row(name: name, milliseconds: ms, gflops: flops.map { $0 / (ms * 1e6) }, note: note)
        rows.append(row)
        print(Self.format(row))
        fflush(stdout)
        return row
    }

    mutating func add(_ row: Row) {
        rows.append(row)
        print(Self.format(row))
    }

    static let header = "| benchmark | time (ms) | GFLOP/s | note |\n|---|---:|---:|---|"

    static func format(_ row: Row) -> String {
        let gflops = row.gflops.map { String(format: "%.1f", $0) } ?? ""
        return "| \(row.name) | \(String(format: "%.3f", row.milliseconds)) | \(gflops) | \(row.note) |"
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e3 + Double(attoseconds) * 1e-15
    }
}
