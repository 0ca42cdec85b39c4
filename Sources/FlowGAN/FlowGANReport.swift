import Evaluation
import Foundation
import Reporting

/// The tables and figures of Flow-GAN's MNIST experiments (spec §5.6, EF.1 / EF.3 / EF.4 /
/// EF.5) from finished runs and the memoriser sweep, beside the paper's numbers.
public enum FlowGANReport {
    /// The paper's MNIST numbers by objective (Tables 1 and 3, the log-determinants of §5.6).
    public struct PaperRow: Sendable {
        public var modeScore: Double
        public var testNLL: Double
        public var exactNLL: Double
        public var kde: Double
        public var ais: Double
        public var logDeterminant: Double
    }

    public static func paper(_ objective: FlowGANObjective) -> PaperRow {
        switch objective {
        case .mle: return PaperRow(modeScore: 7.42, testNLL: -3334.56, exactNLL: -3287.69, kde: -167.10, ais: -2584.40,
                                   logDeterminant: -4170.34)
        case .adv: return PaperRow(modeScore: 9.24, testNLL: -1604.09, exactNLL: 26350.30, kde: -3.03, ais: -2916.10,
                                   logDeterminant: -15588.34)
        case .hybrid: return PaperRow(modeScore: 9.37, testNLL: -3342.95, exactNLL: -3121.53, kde: -205.69, ais: -2703.03,
                                      logDeterminant: -5184.40)
        }
    }

    private static func number(_ value: Double?) -> TableValue { value.map(TableValue.number) ?? .missing }

    /// Table 1's analogue, one row per run (aggregate with `meanAndStandardDeviation(groupedBy:
    /// ["objective", "paper MODE", "paper test NLL"])`): the best MODE score seen, the
    /// best-validated flow's test NLL (nats on [0, 1)^D) and BPD, the final flow's, the mean
    /// log-determinant of ∂G/∂z and the seconds.
    public static func table1Runs(_ results: [FlowGANRunResult]) throws -> Table {
        var table = try Table(columns: ["objective", "paper MODE", "paper test NLL", "best MODE", "test NLL (best val.)",
                                        "test BPD (best val.)", "final test NLL", "final MODE", "mean log det", "seconds"])
        for result in results {
            let paper = paper(result.config.objective)
            let best = result.metrics.bestValidated?.test
            try table.append([.text(result.config.objectiveLabel), .number(paper.modeScore), .number(paper.testNLL),
                              number(result.metrics.bestModeScore), number(best?.continuousNLL), number(best?.bpd),
                              number(result.metrics.final.test?.continuousNLL), number(result.metrics.final.modeScore),
                              number(result.metrics.jacobian?.meanLogDeterminant), .number(result.seconds)])
        }
        return table
    }

    /// Table 3's analogue, one row per run: the final flow's exact test log-likelihood beside
    /// the Parzen estimate from its samples, and the AIS estimate beside the exact value on
    /// AIS's own (fewer) test images (nats per image on [0, 1)^D).
    public static func table3Runs(_ results: [FlowGANRunResult]) throws -> Table {
        var table = try Table(columns: ["objective", "paper exact", "paper AIS", "paper KDE", "exact test LL", "Parzen test LL",
                                        "Parzen σ", "exact LL (AIS images)", "AIS test LL", "AIS acceptance"])
        for result in results {
            let paper = paper(result.config.objective), parzen = result.metrics.parzen, ais = result.metrics.ais
            try table.append([.text(result.config.objectiveLabel), .number(-paper.exactNLL), .number(-paper.ais),
                              .number(-paper.kde), number(parzen?.exactTestLogLikelihood), number(parzen?.testLogLikelihood),
                              number(parzen?.bandwidth), number(ais?.exactTestLogLikelihood), number(ais?.testLogLikelihood),
                              number(ais?.acceptance)])
        }
        return table
    }

    /// The memoriser's sweep as a table: bandwidth, validation NLL, MODE score.
    public static func memoriserTable(_ sweep: MemoriserSweep) throws -> Table {
        var table = try Table(columns: ["σ", "validation NLL", "MODE"])
        for point in sweep.points {
            try table.append([.number(point.bandwidth), .number(point.validationNLL), number(point.modeScore)])
        }
        return table
    }

    /// The bandwidths at which the memoriser beats a model on both validation NLL and MODE
    /// score (the green region of Figs. 3 / 6); empty when there is none.
    public static func bandwidthsBeating(nll: Double, modeScore: Double, in sweep: MemoriserSweep) -> [Double] {
        sweep.points.filter { $0.validationNLL < nll && ($0.modeScore ?? -.infinity) > modeScore }.map(\.bandwidth)
    }

    /// Fig. 2's analogue for one run per objective: training (red) and validation (blue) NLL
    /// against generator iterations (top row), the critic's Wasserstein estimate (bottom row).
    public static func curves(_ results: [FlowGANRunResult]) throws -> FigureGrid {
        var grid = try FigureGrid(rows: 2, columns: results.count, title: "Exact NLL (nats on [0,1)^D) and WGAN loss during training",
                                  rowTitles: ["NLL", "Wasserstein estimate"], columnTitles: results.map(\.config.objectiveLabel))
        grid.textScale = 1
        for (column, result) in results.enumerated() {
            var nll = LinePlot(xAxis: PlotAxis(label: "generator iteration"), yAxis: PlotAxis(label: "NLL (nats)"))
            for (name, color) in [("nll.train", Color(hex: 0xD62728)), ("nll.validation", Color(hex: 0x1F77B4))] {
                guard let series = result.history[name] else { continue }
                try nll.add(name == "nll.train" ? "train" : "validation", x: series.iterations.map(Double.init), y: series.values,
                            color: color)
            }
            try grid.set(row: 0, column: column, nll.render(width: 420, height: 320))
            guard let series = result.history["critic.wasserstein"] else { continue }   // MLE has no critic
            var critic = LinePlot(xAxis: PlotAxis(label: "generator iteration"), yAxis: PlotAxis(label: "E D(x) - E D(G(z))"))
            try critic.add("WGAN loss", x: series.iterations.map(Double.init), y: series.values, color: Color(hex: 0x2CA02C))
            try grid.set(row: 1, column: column, critic.render(width: 420, height: 320))
        }
        return grid
    }

    /// Fig. 5's analogue: the MODE score against generator iterations, one curve per run.
    public static func modeCurves(_ results: [FlowGANRunResult]) throws -> LinePlot {
        var plot = LinePlot(title: "MODE score during training", xAxis: PlotAxis(label: "generator iteration"),
                            yAxis: PlotAxis(label: "MODE score"), legend: .topLeft)
        for (index, result) in results.enumerated() {
            guard let series = result.history["mode"] else { continue }
            try plot.add(result.config.objectiveLabel, x: series.iterations.map(Double.init), y: series.values, color: .series(index))
        }
        return plot
    }

    /// Fig. 4's analogue: the CDF of the singular values of ∂G/∂z (log x axis), one curve per run,
    /// then one per labelled spectrum of `others` (the k = d DCGANs).
    public static func jacobianCDF(_ results: [FlowGANRunResult], others: [(String, GeneratorJacobian.Spectrum)] = []) throws -> LinePlot {
        var plot = LinePlot(title: "Singular values of the generator's Jacobian",
                            xAxis: PlotAxis(label: "singular value", scale: .logarithmic), yAxis: PlotAxis(label: "CDF"),
                            legend: .topLeft)
        let spectra = results.compactMap { result in result.metrics.jacobian.map { (result.config.objectiveLabel, $0) } } + others
        for (index, (label, spectrum)) in spectra.enumerated() {
            let kept = spectrum.quantiles.enumerated().filter { $0.element > 0 && $0.element.isFinite }
            try plot.add(label, x: kept.map(\.element), y: kept.map { Double($0.offset) / 100 }, color: .series(index))
        }
        return plot
    }

    /// Fig. 6's analogue: the memoriser's validation NLL (left) and MODE score (right) against
    /// σ, with a reference model's values as flat lines (dashed in the paper).
    public static func memoriserFigure(_ sweep: MemoriserSweep, reference: (label: String, nll: Double?, modeScore: Double?))
        throws -> FigureGrid {
        var grid = try FigureGrid(rows: 1, columns: 2, title: "Memoriser (Gaussians on the training images) against bandwidth",
                                  columnTitles: ["validation NLL (nats)", "MODE score"])
        grid.textScale = 1
        let sigmas = sweep.points.map(\.bandwidth)
        let panels: [(String, [Double?], Double?)] = [("NLL", sweep.points.map(\.validationNLL), reference.nll),
                                                      ("MODE", sweep.points.map(\.modeScore), reference.modeScore)]
        for (column, (label, values, line)) in panels.enumerated() {
            var plot = LinePlot(xAxis: PlotAxis(label: "σ", scale: .logarithmic), yAxis: PlotAxis(label: label), legend: .topRight)
            let kept = zip(sigmas, values).compactMap { sigma, value in value.map { (sigma, $0) } }
            guard !kept.isEmpty else { continue }
            try plot.add("memoriser", x: kept.map(\.0), y: kept.map(\.1), color: Color(hex: 0x1F77B4))
            if let line {
                try plot.add(reference.label, x: [sigmas.first!, sigmas.last!], y: [line, line], color: Color(hex: 0x800000), width: 1)
            }
            try grid.set(row: 0, column: column, plot.render(width: 420, height: 320))
        }
        return grid
    }
}
