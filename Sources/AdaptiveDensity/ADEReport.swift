import Evaluation
import Foundation
import Reporting

/// Table 5.1's analogue from finished runs, beside the thesis' CIFAR-10 numbers.
public enum ADEReport {
    /// The thesis' Tables 5.1 and 5.2 (CIFAR-10) by row name (`ADESettings.modelLabel`): BPD
    /// (bracketed for the GAN: an inference-network estimate), IS, FID; nil for a combination
    /// the thesis did not report.
    public static func thesis(_ model: String) -> (bpd: String, inceptionScore: Double, fid: Double)? {
        switch model {
        case "GAN": return ("[7.0]", 6.8, 31.4)
        case "VAE": return ("4.4", 2.0, 171.0)
        case "V-ADE": return ("3.5", 3.0, 112.0)
        case "AV-GDE": return ("4.4", 5.1, 58.6)
        case "AV-ADE": return ("3.9", 7.1, 28.0)
        case "GAN (rd)": return ("[6.9]", 7.4, 24.0)
        case "AV-ADE (rd)": return ("3.8", 7.5, 26.0)
        case "AV-ADE (wg, rd)": return ("3.8", 8.2, 17.2)
        case "AV-ADE (s2)": return ("3.5", 6.9, 28.9)
        default: return nil
        }
    }

    private static func number(_ value: Double?) -> TableValue { value.map(TableValue.number) ?? .missing }

    /// One row per run; aggregate with `meanAndStandardDeviation(groupedBy: keys)`.
    public static func runs(_ results: [ADERunResult]) throws -> Table {
        var table = try Table(columns: keys + ["BPD", "ELBO BPD", "FID", "KID", "IS", "MODE", "precision", "recall",
                                               "PRD AUC", "F8", "F1/8", "parameters", "f_ψ parameters", "seconds"])
        for result in results {
            let label = result.config.modelLabel, thesis = thesis(label), metrics = result.metrics
            let curve = metrics.samples?.precisionRecallCurve
            try table.append([.text(label + (result.config.variant.hasFeatureMap ? " †" : "")),
                              thesis.map { .text($0.bpd) } ?? .missing, number(thesis?.inceptionScore), number(thesis?.fid),
                              number(metrics.test?.bpd), number(metrics.test?.elboBPD), number(metrics.samples?.fid),
                              number(metrics.samples?.kid), number(metrics.samples?.inceptionScore),
                              number(metrics.samples?.modeScore), number(metrics.samples?.precision),
                              number(metrics.samples?.recall), number(curve?.area), number(curve?.recallScore),
                              number(curve?.precisionScore), .integer(metrics.parameters),
                              .integer(metrics.featureMapParameters), .number(result.seconds)])
        }
        return table
    }

    public static let keys = ["model", "thesis BPD", "thesis IS", "thesis FID"]

    /// Fig. 5.11's analogue: each run's PRD curve (precision against recall), labelled with its
    /// model and area under the curve; runs without a curve are left out.
    public static func precisionRecallFigure(_ results: [ADERunResult], title: String) throws -> LinePlot {
        var plot = LinePlot(title: title, xAxis: PlotAxis(label: "recall"), yAxis: PlotAxis(label: "precision"), legend: .topRight)
        for (index, result) in results.enumerated() {
            guard let curve = result.metrics.samples?.precisionRecallCurve else { continue }
            try plot.add(String(format: "%@ (AUC %.2f)", result.config.modelLabel, curve.area), x: curve.recall, y: curve.precision,
                         color: .series(index))
        }
        return plot
    }
}
