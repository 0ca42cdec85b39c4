import Foundation

extension Table {
    /// The table as CSV: a header line, then one line per row. Fields containing a comma, a
    /// double quote, CR or LF are enclosed in double quotes with inner quotes doubled
    /// (RFC 4180). Numbers are written in full (shortest round-trip form), missing values as
    /// empty fields, and a `.summary` column `c` as two columns `c_mean` and `c_std`.
    /// Lines end with `lineEnding` (LF by default; RFC 4180 uses CRLF).
    public func csv(lineEnding: String = "\n") -> String {
        let summaryColumns = Set(columns.indices.filter { index in
            rows.contains { if case .summary = $0[index] { return true } else { return false } }
        })
        var header = [String]()
        for (index, name) in columns.enumerated() {
            header += summaryColumns.contains(index) ? [name + "_mean", name + "_std"] : [name]
        }
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for row in rows {
            var fields = [String]()
            for (index, value) in row.enumerated() {
                if summaryColumns.contains(index) {
                    if case let .summary(mean, std, _) = value {
                        fields += [Self.csvNumber(mean), std.isNaN ? "" : Self.csvNumber(std)]
                    } else {
                        fields += [Self.csvText(value), ""]
                    }
                } else {
                    fields.append(Self.csvText(value))
                }
            }
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: lineEnding) + lineEnding
    }

    /// Writes `csv()` to `path` atomically.
    public func writeCSV(to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try AtomicFile.write(csv(), to: path, existing: existing)
    }

    private static func csvText(_ value: TableValue) -> String {
        switch value {
        case let .text(text): return text
        case let .integer(number): return String(number)
        case let .number(number): return csvNumber(number)
        case let .summary(mean, _, _): return csvNumber(mean)
        case .missing: return ""
        }
    }

    private static func csvNumber(_ value: Double) -> String {
        value.isNaN ? "nan" : value.isInfinite ? (value > 0 ? "inf" : "-inf") : "\(value)"
    }

    /// RFC 4180 quoting: enclose in quotes and double inner quotes when needed.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
