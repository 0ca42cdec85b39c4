import Foundation

extension Table {
    /// The table as a GitHub-flavoured Markdown table whose pipes line up in plain text.
    ///
    /// Numeric columns (every value an integer, a number or a summary) are right-aligned,
    /// others left-aligned. `.number` values are written with `precision` decimals,
    /// `.summary` values as `mean ± std` (just the mean for a single run), missing values as
    /// empty cells; `|` in text is escaped and line breaks become spaces.
    public func markdown(precision: Int = 3) -> String {
        let decimals = max(0, precision)
        let cells = rows.map { $0.map { Self.markdownCell($0, decimals: decimals) } }
        let numeric = columns.indices.map { index in
            rows.allSatisfy { row in
                switch row[index] {
                case .integer, .number, .summary, .missing: return true
                case .text: return false
                }
            } && !rows.isEmpty
        }
        let header = columns.map(Self.escape)
        let widths = columns.indices.map { index in
            max(3, ([header[index]] + cells.map { $0[index] }).map(\.count).max() ?? 0)
        }
        func line(_ fields: [String]) -> String {
            "| " + fields.enumerated().map { index, field in
                let padding = String(repeating: " ", count: widths[index] - field.count)
                return numeric[index] ? padding + field : field + padding
            }.joined(separator: " | ") + " |"
        }
        let rule = "| " + columns.indices.map { index in
            numeric[index] ? String(repeating: "-", count: widths[index] - 1) + ":"
                : ":" + String(repeating: "-", count: widths[index] - 1)
        }.joined(separator: " | ") + " |"
        return ([line(header), rule] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    /// Writes `markdown(precision:)` to `path` atomically.
    public func writeMarkdown(to path: String, precision: Int = 3,
                              existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try AtomicFile.write(markdown(precision: precision), to: path, existing: existing)
    }

    private static func markdownCell(_ value: TableValue, decimals: Int) -> String {
        switch value {
        case let .text(text): return escape(text)
        case let .integer(number): return String(number)
        case let .number(number): return formatted(number, decimals: decimals)
        case let .summary(mean, std, _):
            let shownMean = formatted(mean, decimals: decimals)
            return std.isNaN && !mean.isNaN ? shownMean : shownMean + " ± " + formatted(std, decimals: decimals)
        case .missing: return ""
        }
    }

    /// A number with a fixed count of decimals; `nan`, `inf`, `-inf` for the special values.
    static func formatted(_ value: Double, decimals: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(decimals)f", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
            .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
    }
}
