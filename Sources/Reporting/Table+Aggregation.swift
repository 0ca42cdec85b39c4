extension Table {
    /// Aggregates runs (typically one row per seed): rows with equal values in the `keys`
    /// columns form a group, in order of first appearance, and each summarised column becomes
    /// a `.summary` of its values in the group — the mean and the sample standard deviation
    /// `sqrt(Σ (x − mean)² / (n − 1))` (NaN for a single value), over the values that are
    /// not missing. The result has the columns `keys + ["runs"] + summarised`, where `runs` is
    /// the number of rows in the group.
    ///
    /// `summarising` defaults to every non-key column whose values are all numbers (or
    /// missing); text columns outside the keys are then left out. Naming a column that holds
    /// text, or a key that does not exist, throws.
    public func meanAndStandardDeviation(groupedBy keys: [String], summarising: [String]? = nil) throws -> Table {
        let keyIndices = try keys.map(columnIndex)
        let summarised = try summarising ?? columns.filter { name in
            try !keys.contains(name) && isNumericColumn(columnIndex(name))
        }
        let summaryIndices = try summarised.map { name -> Int in
            let index = try columnIndex(name)
            guard isNumericColumn(index) else {
                throw ReportingError.invalidArgument(
                    operation: "Table.meanAndStandardDeviation",
                    detail: "column '\(name)' holds values that are not numbers; group by it or leave it out of summarising")
            }
            return index
        }
        var groupOrder = [[TableValue]]()
        var groupRows = [[TableValue]: [[TableValue]]]()
        for row in rows {
            let key = keyIndices.map { row[$0] }
            if groupRows[key] == nil { groupOrder.append(key) }
            groupRows[key, default: []].append(row)
        }
        var result = try Table(columns: keys + ["runs"] + summarised)
        for key in groupOrder {
            let members = groupRows[key] ?? []
            let summaries = summaryIndices.map { index in
                TableValue.summarizing(members.compactMap { $0[index].numericValue })
            }
            try result.append(key + [.integer(members.count)] + summaries)
        }
        return result
    }

    /// Whether every value of the column is an integer, a number or missing.
    private func isNumericColumn(_ index: Int) -> Bool {
        rows.allSatisfy { row in
            switch row[index] {
            case .integer, .number, .missing: return true
            case .text, .summary: return false
            }
        }
    }
}

extension TableValue {
    /// The `.summary` of `values`: their mean and sample standard deviation
    /// `sqrt(Σ (x − mean)² / (n − 1))` (NaN for a single value); `.missing` when empty.
    public static func summarizing(_ values: [Double]) -> TableValue {
        guard !values.isEmpty else { return .missing }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let std = values.count < 2 ? Double.nan
            : (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        return .summary(mean: mean, standardDeviation: std, count: values.count)
    }
}
