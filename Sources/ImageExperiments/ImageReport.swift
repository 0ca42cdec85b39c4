import Datasets
import Foundation
import Reporting
import TensorCore

/// The table and figures of chapter 4's image experiments, made from the runs' results.
public enum ImageReport {
    /// The metrics of the table, in order: column name, Markdown title, value.
    static let metrics: [(column: String, title: String, value: (ImageRunResult) -> Double?)] = [
        ("modes", "modes ↑", { $0.metrics.modes.map(Double.init) }),
        ("reverse_kl", "KL ↓", { $0.metrics.reverseKL }),
        ("fid", "FID ↓", { $0.metrics.fid }),
        ("kid", "KID ↓", { $0.metrics.kid }),
        ("precision", "precision ↑", { $0.metrics.precision }),
        ("recall", "recall ↑", { $0.metrics.recall }),
        ("inception_score", "IS analogue ↑", { $0.metrics.inceptionScore }),
        ("inception_v3_is", "IS (Inception) ↑", { $0.metrics.inceptionV3Score }),
        ("inception_v3_fid", "FID (Inception) ↓", { $0.metrics.inceptionV3FID }),
        ("spectral_distance", "spectral ↓", { $0.metrics.spectralDistance }),
        ("seconds", "seconds", { $0.seconds }),
    ]

    /// One row per run: `variant,method,spectral_norm,gamma,seed,iterations,modes,modes_total,
    /// reverse_kl,fid,kid,precision,recall,inception_score,spectral_distance,seconds,status`.
    public static func runTable(_ results: [ImageRunResult]) throws -> Table {
        var table = try Table(columns: ["variant", "method", "spectral_norm", "gamma", "seed", "iterations"]
            + ["modes", "modes_total"] + metrics.dropFirst().map(\.column) + ["status"])
        for result in results {
            let config = result.config
            let values: [TableValue] = metrics.dropFirst().map { metric in metric.value(result).map(TableValue.number) ?? .missing }
            try table.append([
                .text(config.variantLabel), .text(config.method.rawValue), .text(config.spectralNorm ? "yes" : "no"),
                config.method.usesMixedBatches ? .number(Double(config.gamma.description) ?? Double(config.gamma)) : .missing,
                .integer(Int(config.seed)), .integer(result.iterations),
                result.metrics.modes.map(TableValue.integer) ?? .missing,
                result.metrics.modesTotal.map(TableValue.integer) ?? .missing,
            ] + values + [.text(result.status.rawValue)])
        }
        return table
    }

    /// The table in Markdown: one row per variant (in order), `mean ± std` over seeds, with
    /// the thesis' CIFAR-10 numbers (Table 4.1) beside the variants it reports.
    public static func markdown(_ results: [ImageRunResult], variants: [ImageVariant], scale: String,
                                classifier: GlyphAssets.ClassifierReport?) throws -> String {
        var text = "# Chapter 4, images: mode coverage and sample quality (scale: \(scale))\n\n"
        if let c = results.first?.config {
            text += "Data: \(c.data). SNGAN standard CNN (spec §3.5) at width × \(c.widthMultiplier), latent \(c.latentSize), "
                + "batch \(c.batchSize), n_disc = \(c.discriminatorSteps), \(c.iterations) generator iterations, "
                + "Adam(α \(c.learningRate), β1 \(c.beta1), β2 \(c.beta2)); seeds: "
                + Set(results.map(\.config.seed)).sorted().map(String.init).joined(separator: ", ")
                + "; metrics on \(results.first?.metrics.samples ?? 0) generated and as many real images.\n\n"
        }
        if let classifier {
            text += String(format: "Feature extractor: the project's glyph classifier (%d Adam steps), held-out accuracy "
                           + "%.2f %% on %d fresh glyphs, 1,000-mode accuracy %.2f %% on %d training images; weights hash %@. "
                           + "FID, KID and precision / recall are computed on its 192 penultimate features, so they are "
                           + "not comparable with Inception-based numbers.\n\n",
                           classifier.steps, classifier.heldOutAccuracy * 100, classifier.heldOutGlyphs,
                           classifier.stackedAccuracy * 100, classifier.stackedImages, classifier.weightsHash)
        } else if results.contains(where: { $0.metrics.inceptionV3FID != nil }) {
            text += "Features: Inception-v3 (pytorch-fid's FID network, `inception_weights`): IS over 10 splits and FID against "
                + "as many training images; comparable with Table 4.1 when the weights are pytorch-fid's (the runs' manifests "
                + "record their SHA-256). The spectral distance beside them needs no network.\n\n"
        } else {
            text += "No feature extractor is built into these runs (the glyph classifier reads only the procedural glyphs): "
                + "only the spectral distance is computed here. Runs with `export_samples` write their evaluated samples as "
                + "`evaluation_samples.h5`; `mixedbatch evaluate --generated <run>/evaluation_samples.h5 --weights "
                + "data/inception-v3-fid.h5` scores them with Inception-v3 (README, Evaluating samples).\n\n"
        }
        text += "The last column is the thesis' Table 4.1 (CIFAR-10, Inception features), for the ranking only; its BGAN and "
            + "M-BGAN numbers are the best of a search over γ ∈ [0.2, 0.5] and n_disc (A4.9), so they stand beside each of our γ rows.\n\n"
        let rows = variants.map { variant in
            (runs: results.filter { ImageVariant(of: $0.config) == variant },
             reference: variant.thesisCIFAR10.map { String(format: "%.2f / %.1f", $0.inceptionScore, $0.fid) } ?? "—")
        }
        text += try summaryTable(rows, referenceTitle: "thesis CIFAR-10 IS / FID").markdown(precision: 3) + "\n"
        return text + divergedNotes(results)
    }

    /// One row per group of runs (labelled by their first run's variant label; empty groups are
    /// left out): every metric as mean ± std over the group, then the group's `reference` text.
    public static func summaryTable(_ groups: [(runs: [ImageRunResult], reference: String)], referenceTitle: String) throws -> Table {
        // The Inception columns only where some run has them (runs with `inception_weights`).
        let all = groups.flatMap(\.runs)
        let shown = metrics.filter { metric in !metric.column.hasPrefix("inception_v3") || all.contains { metric.value($0) != nil } }
        var table = try Table(columns: ["variant"] + shown.map(\.title) + [referenceTitle])
        for (runs, reference) in groups {
            guard let label = runs.first?.config.variantLabel else { continue }
            try table.append([.text(label)] + shown.map { metric in TableValue.summarizing(runs.compactMap(metric.value)) }
                             + [.text(reference)])
        }
        return table
    }

    /// The list of diverged runs with their messages, or nothing.
    public static func divergedNotes(_ results: [ImageRunResult]) -> String {
        let diverged = results.filter { $0.status == .diverged }
        guard !diverged.isEmpty else { return "" }
        return "Diverged runs (a loss became NaN or infinite; metrics are those of the generator when it stopped):\n\n"
            + diverged.map { "- \($0.name): \($0.message ?? "")\n" }.joined()
    }

    /// Fig. 4.6's analogue: the IS analogue (left) and FID (right) against generator
    /// iterations, one curve per variant, averaged over the seeds that reached each point.
    public static func curves(_ results: [ImageRunResult], variants: [ImageVariant]) throws -> FigureGrid {
        var grid = try FigureGrid(rows: 1, columns: 2, title: "Sample quality during training (glyph-classifier features)",
                                  columnTitles: ["IS analogue (higher is better)", "FID (lower is better)"])
        grid.textScale = 1
        for (column, label) in ["IS analogue", "FID"].enumerated() {
            var plot = LinePlot(title: "", xAxis: PlotAxis(label: "generator iteration"), yAxis: PlotAxis(label: label),
                                legend: .topRight)
            for (index, variant) in variants.enumerated() {
                let runs = results.filter { ImageVariant(of: $0.config) == variant }
                let name = column == 0 ? ImageRunResult.inceptionScoreSeries : ImageRunResult.fidSeries
                let series = runs.compactMap { $0.history[name] }
                let iterations = Array(Set(series.flatMap(\.iterations))).sorted()
                let points = iterations.compactMap { iteration -> (Double, Double)? in
                    let values = series.compactMap { run in run.iterations.firstIndex(of: iteration).map { run.values[$0] } }
                    return values.isEmpty ? nil : (Double(iteration), values.reduce(0, +) / Double(values.count))
                }
                guard !points.isEmpty, let label = runs.first?.config.variantLabel else { continue }
                try plot.add(label, x: points.map(\.0), y: points.map(\.1), color: .series(index), width: 1.5)
            }
            try grid.set(row: 0, column: column, plot.render(width: 520, height: 380))
        }
        return grid
    }

    /// Sample grids side by side: the real images first, then the seed-0 samples of each
    /// variant (read from the runs' `samples.h5`).
    /// `sampleGrids` of `runs` (one per variant, in order; their folders in `runsFolder`) beside
    /// 16 images of the HDF5 dataset `data`, saved as `path`.
    public static func saveSampleGrids(data: String, runs: [ImageRunResult], runsFolder: String, to path: String) throws {
        let real = try ImageDataset.read(fromHDF5: data)
        try sampleGrids(real: real.batch(Array(0..<min(16, real.count))),
                        runFolders: runs.map { ($0.config.variantLabel, runsFolder + "/" + $0.name) })
            .savePNG(to: path, existing: .overwrite)
    }

    /// The feature extractor of runs, for manifests: the glyph classifier's hash, Inception-v3's
    /// weights, or none.
    public static func featureExtractorDescription(classifier: GlyphAssets.ClassifierReport?, inceptionWeights: String?) -> String {
        if let classifier { return "glyph classifier \(classifier.weightsHash)" }
        if let inceptionWeights { return "Inception-v3 (\(inceptionWeights)); runs' manifests record its hashes" }
        return "none (spectral distance only; score evaluation_samples.h5 with mixedbatch evaluate)"
    }

    public static func sampleGrids(real: Tensor, runFolders: [(label: String, folder: String)]) throws -> FigureGrid {
        var grid = try FigureGrid(rows: 1, columns: runFolders.count + 1, title: "Samples (seed 0) and real images",
                                  columnTitles: ["real"] + runFolders.map(\.label))
        grid.textScale = 1
        try grid.set(row: 0, column: 0, Canvas.imageGrid(real, columns: 4, zoom: 1, gap: 1))
        for (index, run) in runFolders.enumerated() {
            let samples = try ImageDataset.read(fromHDF5: run.folder + "/samples.h5")
            let images = try samples.batch(Array(0..<min(16, samples.count)))
            try grid.set(row: 0, column: index + 1, Canvas.imageGrid(images, columns: 4, zoom: 1, gap: 1))
        }
        return grid
    }
}
