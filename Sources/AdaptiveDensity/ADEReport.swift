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
        case "AV-ADE (iaf, rd)": return ("3.7", 8.1, 18.6)
        case "AV-ADE (s2)": return ("3.5", 6.9, 28.9)
        default: return nil
        }
    }

    /// The thesis' Table 5.3 (CIFAR-10, no labels): group, model, BPD, IS, FID as printed ("–"
    /// where not available; † computed by the thesis' authors from released weights, ‡ after
    /// retraining with released code).
    public static let published: [(group: String, model: String, bpd: String, inceptionScore: String, fid: String)] = [
        ("Hybrid (L)", "AV-ADE (wg, rd)", "3.8", "8.2", "17.2"),
        ("Hybrid (L)", "AV-ADE (iaf, rd)", "3.7", "8.1", "18.6"),
        ("Hybrid (L)", "AV-ADE (s2)", "3.5", "6.9", "28.9"),
        ("Hybrid (L)", "FlowGAN (A) (Grover et al.)", "8.5", "5.8", "–"),
        ("Hybrid (L)", "FlowGAN (H) (Grover et al.)", "4.2", "3.9", "–"),
        ("Hybrid (A)", "AGE (Ulyanov et al.)", "–", "5.9", "–"),
        ("Hybrid (A)", "ALI (Dumoulin et al.)", "–", "5.3", "–"),
        ("Hybrid (A)", "SVAE (Chen et al.)", "–", "6.8", "–"),
        ("Hybrid (A)", "α-GAN (Rosca et al.)", "–", "6.8", "–"),
        ("Hybrid (A)", "SVAE-r (Chen et al.)", "–", "7.0", "–"),
        ("Adversarial", "mmd-GAN (Arbel et al.)", "–", "7.3", "25.0"),
        ("Adversarial", "SNGAN (Miyato et al.)", "–", "7.4", "29.3"),
        ("Adversarial", "BatchGAN (Lucas et al., M-BGAN)", "–", "7.5", "23.7"),
        ("Adversarial", "WGAN-GP (Gulrajani et al.)", "–", "7.9", "–"),
        ("Adversarial", "SNGAN (R, H) (Miyato et al.)", "–", "8.2", "21.7"),
        ("MLE", "Real-NVP (Dinh et al.)", "3.5", "4.5 †", "56.8 †"),
        ("MLE", "VAE-IAF (Kingma et al.)", "3.1", "3.8 †", "73.5 †"),
        ("MLE", "PixelCNN++ (Salimans et al.)", "2.9", "5.5", "–"),
        ("MLE", "Flow++ (Ho et al.)", "3.1", "–", "–"),
        ("MLE", "Glow (Kingma & Dhariwal)", "3.4", "5.5 ‡", "46.8 ‡"),
    ]

    /// Table 5.3's analogue: every published row, and beside the rows of models we train (the
    /// AV-ADE refinements, matched by `ADESettings.modelLabel`) our test BPD, IS and FID, mean ±
    /// standard deviation over `results`' seeds; missing elsewhere. Our numbers are on the data
    /// and in the features the runs used: comparable with the published ones only on CIFAR-10
    /// with Inception features.
    public static func publishedComparison(_ results: [ADERunResult]) throws -> Table {
        var table = try Table(columns: ["group", "model", "BPD", "IS", "FID", "runs", "ours: BPD", "ours: IS", "ours: FID"])
        for row in published {
            let ours = results.filter { $0.config.modelLabel == row.model }
            func summary(_ value: (ADERunResult) -> Double?) -> TableValue { .summarizing(ours.compactMap(value)) }
            try table.append([.text(row.group), .text(row.model), .text(row.bpd), .text(row.inceptionScore), .text(row.fid),
                              .integer(ours.count), summary { $0.metrics.test?.bpd }, summary { $0.metrics.samples?.inceptionScore },
                              summary { $0.metrics.samples?.fid }])
        }
        return table
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
