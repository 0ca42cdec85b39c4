/// A table of results: named columns and rows of `TableValue`s, written as CSV (for
/// scripts) and Markdown (for the paper and the README).
///
/// ```swift
/// var table = Table(columns: ["method", "seed", "modes", "hq"])
/// try table.append(["BGAN", 0, 25, 0.91])
/// try table.append(["method": "GAN", "seed": 0, "modes": 3, "hq": 0.4])
/// try table.meanAndStandardDeviation(groupedBy: ["method"]).markdown(precision: 2)
/// ```
public struct Table: Equatable, Sendable {
    /// Column names, in display order; unique.
    public let columns: [String]
    /// Rows, each with one value per column.
    public private(set) var rows: [[TableValue]] = []

    /// An empty table with the given (unique, non-empty) column names.
    public init(columns: [String]) throws {
        guard !columns.isEmpty else {
            throw ReportingError.invalidArgument(operation: "Table", detail: "a table needs at least one column")
        }
        var seen = Set<String>()
        for name in columns where !seen.insert(name).inserted {
            throw ReportingError.invalidArgument(operation: "Table",
                                                 detail: "column '\(name)' appears twice; give each column its own name")
        }
        self.columns = columns
    }

    /// Appends a row given in column order.
    public mutating func append(_ row: [TableValue]) throws {
        guard row.count == columns.count else {
            throw ReportingError.invalidArgument(
                operation: "Table.append",
                detail: "the row has \(row.count) values but the table has \(columns.count) columns (\(columns.joined(separator: ", ")))")
        }
        rows.append(row)
    }

    /// Appends a row given by column name; columns left out are `.missing`, unknown names throw.
    public mutating func append(_ row: [String: TableValue]) throws {
        if let unknown = row.keys.sorted().first(where: { !columns.contains($0) }) {
            throw ReportingError.invalidArgument(
                operation: "Table.append",
                detail: "unknown column '\(unknown)'; the table's columns are \(columns.joined(separator: ", "))")
        }
        rows.append(columns.map { row[$0] ?? .missing })
    }

    /// The index of column `name`, or an error naming the available columns.
    public func columnIndex(_ name: String) throws -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw ReportingError.invalidArgument(
                operation: "Table", detail: "no column '\(name)'; the table's columns are \(columns.joined(separator: ", "))")
        }
        return index
    }

    /// The values of column `name`, top to bottom.
    public func column(_ name: String) throws -> [TableValue] {
        let index = try columnIndex(name)
        return rows.map { $0[index] }
    }
}
