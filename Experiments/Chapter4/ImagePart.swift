import Datasets
import ExperimentRuns
import Foundation
import ImageExperiments
import Reporting
import Training

/// The image part of `make chapter4` (§4.5.2; issue 6): on the procedural stacked glyphs
/// (made on first use, with a copy of the reference classifier or, with `trainClassifier`, a
/// classifier trained anew) or on a user's dataset, every variant of the
/// image table over the scale's seeds, then the table (CSV + Markdown), the Fig. 4.6 analogue,
/// the sample grids and a manifest, in `output`. Returns the failed runs.
func runImagePart(scale: Chapter4ImageScale, output: String, worker: URL, executor: RunExecutor,
                  trainClassifier: Bool) throws -> [String] {
    let start = Date()
    let (dataPath, classifierPath, classifierReport) = try scale.prepareData(in: output, trainClassifier: trainClassifier)

    let configs = scale.runs(data: dataPath, classifier: classifierPath)
    let grid = RunGrid<ImageRun>(label: "chapter 4 (images), scale \(scale.name)", runsFolder: output + "/runs",
                                 worker: worker, executor: executor)
    let (results, failures) = try grid.run(configs) { $0.method == .minibatchDiscrimination }

    try ImageReport.runTable(results).writeCSV(to: output + "/image_table.csv", existing: .overwrite)
    try AtomicFile.write(ImageReport.markdown(results, variants: scale.variants, scale: scale.name,
                                              classifier: classifierReport),
                         to: output + "/image_table.md", existing: .overwrite)
    var written = ["image_table.csv", "image_table.md"]
    if results.contains(where: { $0.history[ImageRunResult.fidSeries] != nil }) {
        try ImageReport.curves(results, variants: scale.variants).savePNG(to: output + "/fig4_6_curves.png", existing: .overwrite)
        written.append("fig4_6_curves.png")
    }
    let seedZero = scale.variants.compactMap { variant in
        results.first { $0.config.seed == 0 && ImageVariant(of: $0.config) == variant }
    }
    try ImageReport.saveSampleGrids(data: dataPath, runs: seedZero, runsFolder: output + "/runs", to: output + "/samples.png")

    var manifest = RunManifest.start(
        name: "chapter4-images-\(scale.name)", seed: 0,
        config: ["scale": .string(scale.name), "data": .string(dataPath), "width_multiplier": .number(scale.widthMultiplier),
                 "iterations": .number(Double(scale.iterations)), "seeds": .array(scale.seeds.map { .number(Double($0)) }),
                 "executor": .object(executor.manifestEntry),
                 "runs": RunGrid<ImageRun>.manifestEntries(results)],
        evaluationProtocol: ["generated_samples": .number(Double(scale.evaluationSamples)),
                             "feature_extractor": .string(ImageReport.featureExtractorDescription(
                                 classifier: classifierReport, inceptionWeights: scale.availableInceptionWeights))],
        now: start)
    manifest.finish()
    try manifest.write(to: output + "/manifest.json", existing: .overwrite)
    print("wrote \(output)/" + (written + ["samples.png", "manifest.json"]).joined(separator: ", ")
          + " (\(results.count) runs, \(String(format: "%.0f", Date().timeIntervalSince(start))) s)")
    return failures
}
