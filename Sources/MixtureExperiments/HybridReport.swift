import Reporting

/// The tables of `make bms`: ours beside the published 2D tables of the BMS paper (spec
/// §6.5) and of PacGAN (Lin et al. 2018, Table 1).
public enum HybridReport {
    /// A published row: modes, high-quality % and reverse KL (nats) per dataset, as printed
    /// (mean ± std or ± standard error as the paper gives it; `nil` where it gives none).
    public struct PublishedRow: Sendable {
        public var label: String
        public var grid: (modes: String, hq: String, reverseKL: String?)
        public var ring: (modes: String, hq: String, reverseKL: String?)
    }

    /// The BMS paper's 2D table (spec §6.5; ± restored from concatenated digits, A6.8).
    public static let bmsPublished: [PublishedRow] = [
        PublishedRow(label: "VEEGAN", grid: ("24.6", "40", nil), ring: ("8", "52.9", nil)),
        PublishedRow(label: "GDPP-GAN", grid: ("24.8", "68.5", nil), ring: ("8", "71.7", nil)),
        PublishedRow(label: "SN-GAN", grid: ("23.8 ± 1.5", "90.9 ± 4.0", nil), ring: ("6.8 ± 1.1", "86.6 ± 9.7", nil)),
        PublishedRow(label: "MD-GAN", grid: ("25", "99.3 ± 2.2", nil), ring: ("8", "89.0 ± 3.6", nil)),
        PublishedRow(label: "WAE", grid: ("25", "65.4 ± 3.8", nil), ring: ("8", "35.8 ± 4.7", nil)),
        PublishedRow(label: "α-GAN", grid: ("25", "70.5 ± 4.2", nil), ring: ("8", "83.6 ± 5.3", nil)),
        PublishedRow(label: "BMS-VAE-GAN", grid: ("25", "99.7 ± 0.2", nil), ring: ("8", "99.6 ± 0.3", nil)),
    ]

    /// PacGAN's Table 1 (mean ± standard error over 10 runs), from its repository's table.
    public static let pacganPublished: [PublishedRow] = [
        PublishedRow(label: "GAN", grid: ("17.3 ± 0.8", "94.8 ± 0.7", "0.70 ± 0.07"), ring: ("6.3 ± 0.5", "98.2 ± 0.2", "0.45 ± 0.09")),
        PublishedRow(label: "PacGAN2", grid: ("23.8 ± 0.7", "91.3 ± 0.8", "0.13 ± 0.04"), ring: ("7.9 ± 0.1", "95.6 ± 2.0", "0.07 ± 0.03")),
        PublishedRow(label: "PacGAN3", grid: ("24.6 ± 0.4", "94.2 ± 0.4", "0.06 ± 0.02"), ring: ("7.8 ± 0.1", "97.7 ± 0.3", "0.10 ± 0.02")),
        PublishedRow(label: "PacGAN4", grid: ("24.8 ± 0.2", "93.6 ± 0.6", "0.04 ± 0.01"), ring: ("7.8 ± 0.1", "95.9 ± 1.4", "0.07 ± 0.02")),
    ]

    static let metricColumns = ["modes", "HQ %", "reverse KL"]

    /// Our rows (mean ± std over seeds) then the published ones, one column per dataset ×
    /// metric; `rows` pairs each label with the runs it summarises.
    public static func comparisonTable(ours rows: [(label: String, runs: [MixtureRunResult])],
                                       published: [PublishedRow], publishedSource: String) throws -> Table {
        var table = try Table(columns: ["method", "source", "seeds"]
                              + ["grid25", "ring8"].flatMap { dataset in metricColumns.map { "\(dataset) \($0)" } })
        for (label, runs) in rows where !runs.isEmpty {
            var cells: [TableValue] = [.text(label), .text("ours"), .integer(Set(runs.map(\.config.seed)).count)]
            for dataset in ["grid25", "ring8"] {
                let selected = runs.filter { $0.config.dataset == dataset }
                cells.append(.summarizing(selected.map { Double($0.metrics.modes) }))
                cells.append(.summarizing(selected.map { 100 * $0.metrics.hqFraction }))
                cells.append(.summarizing(selected.compactMap(\.metrics.reverseKL)))
            }
            try table.append(cells)
        }
        for row in published {
            try table.append([.text(row.label), .text(publishedSource), .missing,
                              .text(row.grid.modes), .text(row.grid.hq), row.grid.reverseKL.map(TableValue.text) ?? .missing,
                              .text(row.ring.modes), .text(row.ring.hq), row.ring.reverseKL.map(TableValue.text) ?? .missing])
        }
        return table
    }

    /// The runs of `results` that are instances of `variant`.
    public static func runs<Variant: MixtureVariant>(_ results: [MixtureRunResult], _ variant: Variant) -> [MixtureRunResult] {
        results.filter { Variant(of: $0.config) == variant }
    }

    /// The diverged runs and the runs without a high-quality sample, as Markdown notes.
    public static func notes(_ results: [MixtureRunResult]) -> String {
        var text = ""
        let diverged = results.filter { $0.status == .diverged }
        if !diverged.isEmpty {
            text += "Diverged runs (metrics of the generator when it stopped): "
                + diverged.map { "\($0.name) (\($0.message ?? ""))" }.joined(separator: "; ") + "\n\n"
        }
        let undefined = results.filter { $0.metrics.reverseKL == nil }
        if !undefined.isEmpty {
            text += "Runs with no high-quality sample (reverse KL undefined, left out of its mean): "
                + undefined.map(\.name).joined(separator: ", ") + "\n\n"
        }
        return text
    }
}
