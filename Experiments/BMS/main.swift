import ArgumentParser
import ExperimentRuns
import Foundation
import MixtureExperiments
import Reporting
import TensorCore

/// `make bms`: the fifth seed's 2D table (BMS-VAE-GAN and its baselines at the BMS
/// protocol, spec §6), the literature's 2D protocols (our GAN and PacGAN at PacGAN's,
/// chapter 4's Fig. 4.3 rows at the mixup protocol §4.5.1 names) and the image rows
/// (`ImagePart.swift`), in results/bms/.
///
/// Each run lives in <output>/<part>/runs/<name>/ and is trained by a `mixedbatch train2d`
/// worker; finished runs are kept and unfinished ones resume from their checkpoints.
struct BMS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "BMS", abstract: "BMS-VAE-GAN's 2D table and the published 2D protocols.")

    @Option(help: "default, paper or smoke.")
    var scale = ProcessInfo.processInfo.environment["SCALE"] ?? "default"

    @Option(help: "all, table, pacgan, mixup or images.")
    var part = "table"

    @Option(help: "The output folder.")
    var output = "results/bms"

    @Flag(help: "Train the image part's glyph classifier anew instead of copying Experiments/Chapter4/glyph-classifier.h5.")
    var trainClassifier = false

    @OptionGroup var execution: ExecutionOptions

    /// The grids' executor (`--jobs`, `--executor`, `--slurm-config`).
    func runExecutor() throws -> RunExecutor { try execution.makeExecutor() }

    @Option(help: ArgumentHelp("Only these seeds, e.g. 0 or 0,1 (default: the scale's).", valueName: "list"))
    var seeds: String?

    func validate() throws {
        guard ["all", "table", "pacgan", "mixup", "images"].contains(part) else {
            throw ValidationError("--part must be all, table, pacgan, mixup or images, not '\(part)'")
        }
    }

    func run() throws {
        var plan: BMSScale
        do { plan = try BMSScale.named(scale) } catch { throw fail("\(error)") }
        if let seeds {
            guard let list = ChapterDriver.seeds(seeds) else { throw fail("--seeds must list integers, e.g. 0,1") }
            plan.seeds = list
            plan.protocolSeeds = list
        }
        let worker: URL
        do { worker = try ChapterDriver.worker(makeTarget: "bms") } catch { throw fail("\(error)") }
        var failures: [String] = []
        do {
            if part == "all" || part == "table" { failures += try runTable(plan, worker: worker) }
            if part == "all" || part == "pacgan" { failures += try runPacGAN(plan, worker: worker) }
            if part == "all" || part == "mixup" { failures += try runMixup(plan, worker: worker) }
            if part == "all" || part == "images" { failures += try runImages(worker: worker) }
        } catch { throw fail("\(error)") }
        if ChapterDriver.reportFailures(failures) { throw ExitCode(1) }
    }

    /// Runs `configs` in `folder`/runs and writes the per-run CSV; returns the results and failures.
    private func train(_ configs: [MixtureRunConfig], folder: String, label: String, worker: URL) throws
        -> (results: [MixtureRunResult], failures: [String]) {
        let grid = RunGrid<MixtureRun>(label: label, runsFolder: folder + "/runs", worker: worker, executor: try runExecutor())
        // The largest T first, so that the two workers finish together.
        let outcome = try grid.run(configs) { $0.hybrid.hybrid != nil && $0.samples >= 10 }
        try MixtureReport.runTable(outcome.0).writeCSV(to: folder + "/runs.csv", existing: .overwrite)
        return outcome
    }

    /// Writes `folder`/table.csv, table.md, the `figures` (file name → figure) and manifest.json.
    private func publish(_ name: String, table: Table, markdown: String, figures: [String: FigureGrid] = [:],
                         folder: String, plan: BMSScale, results: [MixtureRunResult], start: Date,
                         differences: [String]) throws {
        try table.writeCSV(to: folder + "/table.csv", existing: .overwrite)
        try AtomicFile.write(markdown + table.markdown(precision: 2) + "\n" + HybridReport.notes(results),
                             to: folder + "/table.md", existing: .overwrite)
        for (file, figure) in figures { try figure.savePNG(to: folder + "/" + file, existing: .overwrite) }
        var manifest = RunManifest.start(
            name: "bms-\(name)-\(plan.name)", seed: 0,
            config: ["scale": .string(plan.name), "executor": .object(try runExecutor().manifestEntry),
                     "protocol_differences": .array(differences.map(JSONValue.string)),
                     "runs": RunGrid<MixtureRun>.manifestEntries(results)],
            evaluationProtocol: ["generated_samples": 2500, "high_quality_radius": "3 sigma of the nearest mode",
                                 "mode_covered": "at least one high-quality sample",
                                 "reverse_kl": "KL(high-quality histogram over modes || uniform), nats"],
            now: start)
        manifest.finish()
        try manifest.write(to: folder + "/manifest.json", existing: .overwrite)
        print("wrote \(folder)/table.md, table.csv, runs.csv, " + figures.keys.sorted().map { $0 + ", " }.joined()
              + "manifest.json (\(results.count) runs, " + String(format: "%.0f s)", Date().timeIntervalSince(start)))
    }

    private func runTable(_ plan: BMSScale, worker: URL) throws -> [String] {
        let start = Date(), folder = output + "/table"
        let (results, failures) = try train(plan.tableRuns(), folder: folder, label: "BMS 2D table, scale \(plan.name)",
                                            worker: worker)
        let rows = plan.tableRows.map { ($0.label, HybridReport.runs(results, $0)) }
        let table = try HybridReport.comparisonTable(ours: rows, published: HybridReport.bmsPublished,
                                                     publishedSource: "BMS paper")
        let first = plan.tableRuns()[0]
        let text = "# BMS-VAE-GAN 2D table (scale: \(plan.name))\n\n"
            + "Protocol: the BMS paper's (VEEGAN's networks: generator and encoder 2 × 128 ReLU, critic 1 × 128, "
            + "code discriminator \(first.codeDepth) × \(first.codeWidth); latent \(first.latentSize)); "
            + "\(plan.tableIterations) iterations at batch \(plan.tableBatchSize), Adam(lr \(first.learningRate), "
            + "β1 \(first.beta1)); α = β = λ = 1, ℓ1 reconstruction (squared ℓ2 for WAE); \(first.evaluationSamples) samples; "
            + "HQ = within 3σ of the nearest mode. Ours: mean ± std over \(plan.seeds.count) seeds. "
            + "Published: the BMS paper's table as restored in spec §6.5 (its protocol's budget and T are lost, A6.2).\n\n"
            + "Where ours differs from the published protocol: "
            + MixtureProtocol.bms.differences.joined(separator: "; ") + ".\n\n"
        let shown = [HybridVariant(.gan), HybridVariant(.wae), HybridVariant(.alphaGAN),
                     HybridVariant(.bms, samples: plan.samples.max() ?? 1)]
        try publish("table", table: table, markdown: text,
                    figures: ["samples.png": MixtureFigures.scatterGrid(results, variants: shown, datasets: BMSScale.datasets)],
                    folder: folder, plan: plan, results: results, start: start, differences: MixtureProtocol.bms.differences)
        return failures
    }

    private func runPacGAN(_ plan: BMSScale, worker: URL) throws -> [String] {
        let start = Date(), folder = output + "/pacgan"
        let (results, failures) = try train(plan.pacganRuns(), folder: folder, label: "PacGAN protocol, scale \(plan.name)",
                                            worker: worker)
        let rows = plan.pacganRows.map { row in
            (row.label, results.filter { $0.config.method == row.method && (row.method != .pacgan || $0.config.packingDegree == row.pack) })
        }
        let table = try HybridReport.comparisonTable(ours: rows, published: HybridReport.pacganPublished,
                                                     publishedSource: "PacGAN Table 1")
        let text = "# GAN and PacGAN at PacGAN's 2D protocol (scale: \(plan.name))\n\n"
            + "Generator 4 × 400 ReLU with batch norm, discriminator 3 × 200 maxout units of 5 pieces, latent 2, "
            + "Adam(10⁻⁴, β1 0.8), batch 100, a training set of 100,000 points, \(plan.pacganIterations) iterations "
            + "(published: 400,000), 2,500 samples; PacGANm's batches are 100 packs of m points. Ours: mean ± std over \(plan.protocolSeeds.count) seeds; "
            + "published: mean ± standard error over 10.\n\n"
            + "Where ours differs from the published protocol: " + MixtureProtocol.pacgan.differences.joined(separator: "; ") + ".\n\n"
        try publish("pacgan", table: table, markdown: text, folder: folder, plan: plan, results: results, start: start,
                    differences: MixtureProtocol.pacgan.differences)
        return failures
    }

    private func runMixup(_ plan: BMSScale, worker: URL) throws -> [String] {
        let start = Date(), folder = output + "/mixup"
        let (results, failures) = try train(plan.mixupRuns(), folder: folder, label: "mixup protocol, scale \(plan.name)",
                                            worker: worker)
        let variants = BMSScale.figure4_3Rows.map { MethodVariant($0.method, gamma: $0.gamma, batchSize: 128) }
        var table = try Table(columns: ["method", "dataset", "modes", "HQ %", "reverse KL"])
        for dataset in ["squares", "circles"] {
            for variant in variants {
                for run in HybridReport.runs(results, variant) where run.config.dataset == dataset {
                    try table.append([.text(variant.label), .text(dataset), .integer(run.metrics.modes),
                                      .number(100 * run.metrics.hqFraction), run.metrics.reverseKL.map { .number($0) } ?? .text("inf")])
                }
            }
        }
        let text = "# Fig. 4.3's rows at the mixup protocol (scale: \(plan.name), seed \(plan.protocolSeeds[0]))\n\n"
            + "The toy GAN of Zhang et al.'s public code, whose data §4.5.1 names: 5 × 5 grid on {−1, −0.5, 0, 0.5, 1}², "
            + "8 modes at radius 1, σ = 0.01; 3 × 512 ReLU networks, latent 2, Adam defaults, batch 128, n_disc = 5, "
            + "\(plan.mixupIterations) iterations (published: 20,000). Where ours differs: "
            + MixtureProtocol.mixup.differences.joined(separator: "; ") + ".\n\n"
        try publish("mixup", table: table, markdown: text,
                    figures: ["fig4_3_scatter.png": MixtureFigures.scatterGrid(results, variants: variants,
                                                                               datasets: ["squares", "circles"])],
                    folder: folder, plan: plan, results: results, start: start, differences: MixtureProtocol.mixup.differences)
        return failures
    }

    /// Writes `error: message` and ends the command with status 2.
    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

OpenBLASKernels.reexecWithFastKernelsIfNeeded()
BMS.main()
