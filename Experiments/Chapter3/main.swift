import ArgumentParser
import Datasets
import DensityExperiments
import ExperimentRuns
import Foundation
import Reporting
import TensorCore
import Training

/// `make chapter3`: AGAVE's experiments (spec §2.8) on MNIST-5k (default) or CIFAR-10 (thesis):
/// the unconditional PixelCNN++, the VAE alone, the naive VAE + PixelCNN++ and AGAVE at the
/// table's λ over the scale's seeds; the λ sweep (Figs. 3.3, 3.4), the quantisation sweep of
/// the auxiliary image (Fig. 3.8) and its down-sampled variants (Fig. 3.9) at the first seed;
/// the control experiment (the auxiliary loss dropped from a trained AGAVE, its KL recorded);
/// then the table, the figures and a manifest.
///
/// Each run is a density run in <output>/runs/<name>/ trained by a `mixedbatch train-density`
/// worker; finished runs are kept and unfinished ones resume, so an interrupted invocation
/// continues where it stopped.
struct Chapter3: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Chapter3", abstract: "Chapter 3's experiments: AGAVE, its baselines and sweeps on real digits.")

    @Option(help: "default, thesis or smoke.")
    var scale = "default"

    @Option(help: "The output folder.")
    var output = "results/chapter3"

    @OptionGroup var execution: ExecutionOptions

    /// The grids' executor (`--jobs`, `--executor`, `--slurm-config`).
    func runExecutor() throws -> RunExecutor { try execution.makeExecutor() }

    @Option(help: ArgumentHelp("Only these seeds, e.g. 0 or 0,1 (default: the scale's).", valueName: "list"))
    var seeds: String?

    func validate() throws {
    }

    func run() throws {
        var chosen: Chapter3Scale
        do { chosen = try Chapter3Scale.named(scale) } catch { throw fail("\(error)") }
        if let seeds {
            guard let list = ChapterDriver.seeds(seeds), !list.isEmpty else { throw fail("--seeds must list integers, e.g. 0,1") }
            chosen.seeds = list
        }
        let failures: [String]
        do {
            let worker = try ChapterDriver.worker(makeTarget: "chapter3")
            failures = try runChapter3(scale: chosen, output: output, worker: worker, executor: runExecutor())
        } catch { throw fail("\(error)") }
        if ChapterDriver.reportFailures(failures) { throw ExitCode(1) }
    }

    /// Writes `error: message` and ends the command with status 2.
    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

/// Trains every run, then writes the table, figures and manifest to `output`. Returns the failed runs.
func runChapter3(scale: Chapter3Scale, output: String, worker: URL, executor: RunExecutor) throws -> [String] {
    let start = Date()
    let prefix: String
    if let dataPrefix = scale.dataPrefix {
        prefix = dataPrefix
        for part in ["train", "test"] where !FileManager.default.fileExists(atPath: "\(prefix)-\(part).h5") {
            throw ConfigError("the \(scale.name) scale trains on \(prefix)-\(part).h5; make it with `mixedbatch data convert "
                              + "--format cifar10 --input cifar-10-batches-bin --split \(part) --output \(prefix)-\(part).h5`")
        }
    } else {
        prefix = output + "/data/mnist5k"
        if !FileManager.default.fileExists(atPath: prefix + "-test.h5") {
            try RealDigits.mnist5k.writeSplit(prefix: prefix, overwrite: true)
            print("wrote \(prefix)-{train,validation,test}.h5: MNIST-5k, 28×28")
        }
    }

    let grid = RunGrid<DensityRun>(label: "chapter 3, scale \(scale.name)", runsFolder: output + "/runs", worker: worker, executor: executor)
    let (trained, failures) = try grid.run(scale.configs(prefix: prefix)) { $0.model == .agave }
    var results = trained
    let parentConfig = scale.agave(lambda: scale.levelsLambda, seed: scale.seeds[0], prefix: prefix)
    let parent = output + "/runs/" + parentConfig.runName
    var controlFailures: [String] = []
    var control: DensityRunResult?
    if results.contains(where: { $0.config.runName == parentConfig.runName }) {
        let controlGrid = RunGrid<DensityRun>(label: "chapter 3 control", runsFolder: output + "/runs", worker: worker,
                                              executor: executor.limited(toJobs: 1))
        let (done, failed) = try controlGrid.run([scale.control(from: parent, prefix: prefix)])
        control = done.first
        controlFailures = failed
        results += done
    }

    let test = try ImageDataset.read(fromHDF5: prefix + "-test.h5")
    let imageShape = Array(test.shape.dropFirst())
    let table = try Chapter3Report.runs(results).meanAndStandardDeviation(groupedBy: Chapter3Report.keys)
    try table.writeCSV(to: output + "/table3_1.csv", existing: .overwrite)
    let text = """
    # Table 3.1 analogue (scale \(scale.name))

    \(scale.dataPrefix == nil ? "MNIST-5k (4,000 training, 500 test digits, 28×28)" : "CIFAR-10"); \(scale.iterations) iterations \
    (AGAVE: the first \(scale.pretrainIterations) train the VAE and the PixelCNN++ apart), batch \(scale.batchSize), Adamax \
    0.002, seeds \(scale.seeds.map(String.init).joined(separator: ", ")) (the λ and levels sweeps and the control: seed \
    \(scale.seeds[0]) only). PixelCNN++: \(scale.filters) filters, \(scale.blocks) gated block(s) per level, \
    \(scale.resolutions) levels, \(scale.components) logistics, dropout \(scale.dropout); VAE: top-down, \(scale.features) \
    channels, \(scale.groups) stochastic layer(s) of \(scale.latentChannels) channels, discretised-logistic auxiliary decoder \
    (one scale per channel). Test BPD: exact for PixelCNN++, the IWAE bound with k = \(scale.importanceSamples) for the latent \
    models (an upper bound), on \(scale.evaluationRows.map { "the first \($0)" } ?? "all") test images; the terms are one \
    posterior sample's, in bits per dimension, the KL unweighted. The thesis' numbers are CIFAR-10's (Table 3.1).

    \(table.markdown(precision: 3))
    """
    try AtomicFile.write(text + "\n", to: output + "/table3_1.md", existing: .overwrite)
    let firstSeed = results.filter { $0.config.schedule.seed == scale.seeds[0] }
    try Chapter3Report.lambdaCurves(firstSeed).render(width: 640, height: 420).savePNG(to: output + "/fig3_4_lambda.png", existing: .overwrite)
    try Chapter3Report.levelCurves(firstSeed, lambda: scale.levelsLambda).render(width: 640, height: 420)
        .savePNG(to: output + "/fig3_8_levels.png", existing: .overwrite)
    if let control {
        try Chapter3Report.controlCurve(control, dimensions: imageShape.reduce(1, *)).render(width: 640, height: 420)
            .savePNG(to: output + "/fig3_7_control_kl.png", existing: .overwrite)
    }
    if let trainedParent = results.first(where: { $0.config.runName == parentConfig.runName }) {
        let training = try DensityRun.readImages(prefix + "-train.h5")
        try Chapter3Report.withTrainedAGAVE(trainedParent, folder: parent, training: training) { agave in
            try Chapter3Report.priorSamples(agave, rows: 4, each: 5, seed: scale.seeds[0])
                .savePNG(to: output + "/fig3_5_prior_samples.png", existing: .overwrite)
            try Chapter3Report.interpolations(agave, test: test, pairs: [(0, 1), (2, 3)], steps: 6, seed: scale.seeds[0])
                .savePNG(to: output + "/fig3_6_interpolations.png", existing: .overwrite)
        }
        // Fig. 3.9's analogue: two prior draws of each auxiliary variant at λ = levelsLambda (y at
        // full size with 256 levels, then fewer levels, then down-sampled, then grey for colour
        // data), f(z) before its samples.
        let (lambda, seed) = (scale.levelsLambda, scale.seeds[0])
        let variants = [parentConfig]
            + scale.levels.map { scale.agave(lambda: lambda, levels: $0, seed: seed, prefix: prefix) }
            + scale.auxiliaryVariants(seed: seed, prefix: prefix)
        let rows = try variants.compactMap { config in
            try results.first { $0.config.runName == config.runName }.map { result in
                try Chapter3Report.withTrainedAGAVE(result, folder: output + "/runs/" + config.runName, training: training) { agave in
                    try Chapter3Report.priorSampleRows(agave, rows: 2, each: 4, seed: seed)
                }
            }
        }
        try Canvas.imageGrid(Tensor.concatenate(rows, axis: 0), columns: 5)
            .savePNG(to: output + "/fig3_9_auxiliaries.png", existing: .overwrite)
        // Fig. 3.3's analogue: one column per λ of the sweep (full-size y, 256 levels, first seed).
        let lambdaRuns = firstSeed.filter { Chapter3Report.isSweepAGAVE($0.config) && $0.config.auxiliaryLevels == 256 }
            .sorted { $0.config.klWeight < $1.config.klWeight }
        let columns = try lambdaRuns.map { result in
            try Chapter3Report.withTrainedAGAVE(result, folder: output + "/runs/" + result.config.runName, training: training) { agave in
                try Chapter3Report.lambdaColumn(agave, test: test, seed: scale.seeds[0])
            }
        }
        if !columns.isEmpty {
            try Chapter3Report.lambdaGrid(columns).savePNG(to: output + "/fig3_3_lambda_samples.png", existing: .overwrite)
        }
    }
    var manifest = RunManifest.start(
        name: "chapter3-\(scale.name)", seed: 0,
        config: ["scale": .string(scale.name), "data": .string(prefix), "iterations": .number(Double(scale.iterations)),
                 "seeds": .array(scale.seeds.map { .number(Double($0)) }), "executor": .object(executor.manifestEntry),
                 "runs": RunGrid<DensityRun>.manifestEntries(results)],
        evaluationProtocol: ["bpd": .string("PixelCNN++ exact; latent models IWAE k = \(scale.importanceSamples) on the discrete likelihood"),
                             "test_images": .number(Double(min(scale.evaluationRows ?? test.count, test.count)))],
        now: start)
    manifest.finish()
    try manifest.write(to: output + "/manifest.json", existing: .overwrite)
    print("wrote \(output)/{table3_1.md, table3_1.csv, fig3_4_lambda.png, fig3_5_prior_samples.png, fig3_6_interpolations.png, "
          + "fig3_7_control_kl.png, fig3_8_levels.png, fig3_9_auxiliaries.png, fig3_3_lambda_samples.png, manifest.json} (\(results.count) runs, "
          + String(format: "%.0f s)", Date().timeIntervalSince(start)))
    return failures + controlFailures
}

OpenBLASKernels.reexecWithFastKernelsIfNeeded()
Chapter3.main()
