import Adversarial
import ExperimentRuns
import Foundation
import MixtureExperiments
import Reporting

/// The 2D part of `make chapter4` (§4.5.1): every method of the batch-smoothing table on
/// every dataset and seed, then the table (CSV + Markdown), the Fig. 4.3 and Fig. 4.2
/// analogues and a manifest, in `output`. Returns the failed runs.
func runMixturePart(scale: Chapter4Scale, output: String, worker: URL, executor: RunExecutor) throws -> [String] {
    let start = Date()
    let configs = chapter4Runs(scale: scale)
    let grid = RunGrid<MixtureRun>(label: "chapter 4 (2D), scale \(scale.name)", runsFolder: output + "/runs",
                                   worker: worker, executor: executor)
    // Minibatch discrimination costs O(B²) per step, several times the others.
    let (results, failures) = try grid.run(configs) { $0.method == .minibatchDiscrimination }
    try MixtureReport.runTable(results).writeCSV(to: output + "/mode_coverage.csv", existing: .overwrite)
    try AtomicFile.write(MixtureReport.batchSmoothingMarkdown(results, variants: MethodVariant.chapter4Table,
                                                              datasets: scale.datasets, scale: scale.name),
                         to: output + "/mode_coverage.md", existing: .overwrite)
    try MixtureFigures.scatterGrid(results, variants: MethodVariant.figure4_3, datasets: scale.datasets)
        .savePNG(to: output + "/fig4_3_scatter.png", existing: .overwrite)
    try MixtureFigures.lossCurves(results, gammas: MethodVariant.figure4_2Gammas, datasets: scale.datasets)
        .savePNG(to: output + "/fig4_2_losses.png", existing: .overwrite)
    var manifest = RunManifest.start(
        name: "chapter4-2d-\(scale.name)", seed: 0,
        config: ["scale": .string(scale.name), "width": .number(Double(scale.width)), "depth": .number(Double(scale.depth)),
                 "iterations": .number(Double(scale.iterations)), "seeds": .array(scale.seeds.map { .number(Double($0)) }),
                 "datasets": .array(scale.datasets.map(JSONValue.string)), "executor": .object(executor.manifestEntry),
                 "runs": RunGrid<MixtureRun>.manifestEntries(results)],
        evaluationProtocol: ["generated_samples": 2500, "high_quality_radius": "3 sigma",
                             "mode_covered": "nearest mode of at least one high-quality sample"],
        now: start)
    manifest.finish()
    try manifest.write(to: output + "/manifest.json", existing: .overwrite)
    print("wrote \(output)/mode_coverage.csv, mode_coverage.md, fig4_3_scatter.png, fig4_2_losses.png, manifest.json "
          + "(\(results.count) runs, \(String(format: "%.0f", Date().timeIntervalSince(start))) s)")
    return failures
}
