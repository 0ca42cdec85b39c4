import Datasets
import Evaluation
import ExperimentRuns
import FlowGAN
import Foundation
import ImageExperiments
import Reporting
import TensorCore
import Training

/// The Flow-GAN part of `make chapter5` (spec §5.6; EF.1, EF.3, EF.4, EF.5 on real digits): the
/// data and the digit classifier (made on first use), MLE / ADV / hybrid runs over the scale's
/// seeds, the memoriser sweep, then Tables 1 and 3 (CSV + Markdown), Figs. 2, 4, 6 and 7, the
/// sample grids and a manifest, in `output`. Returns the failed runs.
func runFlowGANPart(scale: Chapter5Scale, output: String, worker: URL, executor: RunExecutor) throws -> [String] {
    let start = Date()
    let prefix = try preparedData(scale: scale, output: output)
    let train = try ImageDataset.read(fromHDF5: prefix + "-train.h5")
    let validation = try ImageDataset.read(fromHDF5: prefix + "-validation.h5")
    let test = try ImageDataset.read(fromHDF5: prefix + "-test.h5")
    let classifierPath = output + "/data/digit-classifier.h5"
    let classifierReport: DigitClassifier.Report
    if FileManager.default.fileExists(atPath: classifierPath) {
        classifierReport = try DigitClassifier.report(at: classifierPath)
    } else {
        let progress = ProgressBar(total: scale.classifierSteps, label: "digit classifier")
        classifierReport = try DigitClassifier.train(to: classifierPath, train: train, heldOut: test, steps: scale.classifierSteps,
                                                     requiredAccuracy: scale.requiredAccuracy) { _ in progress.advance() }
        progress.finish()
    }
    print(String(format: "digit classifier: %.2f %% accuracy on %d held-out test digits (weights %@)",
                 classifierReport.heldOutAccuracy * 100, classifierReport.heldOutImages, classifierReport.weightsHash))

    let grid = RunGrid<FlowGANRun>(label: "chapter 5 (Flow-GAN), scale \(scale.name)", runsFolder: output + "/runs",
                                   worker: worker, executor: executor)
    var (results, failures) = try grid.run(scale.configs(prefix: prefix, classifier: classifierPath)) { $0.objective != .mle }
    let digits32 = try centredDigits(output: output)
    let dcganGrid = RunGrid<ImageRun>(label: "chapter 5 (k = d DCGANs), scale \(scale.name)", runsFolder: output + "/runs",
                                      worker: worker, executor: executor)
    let (dcgans, dcganFailures) = try dcganGrid.run(scale.dcganConfigs(data: digits32)) { $0.method == .wganGP }
    failures += dcganFailures
    let dcganSpectra = dcgans.compactMap { run in
        run.metrics.jacobian.map { ("DCGAN k = d, \(run.config.method == .gan ? "JS" : "WGAN-GP")", $0) }
    }

    let (classifier, _) = try GlyphClassifier.load(from: classifierPath)
    let sweepProgress = ProgressBar(total: KernelDensity.logSpacedBandwidths.count, label: "memoriser sweep")
    let sweep = try MemoriserSweep.run(train: train, validation: validation, test: test, classifier: classifier,
                                       dataMarginal: labelMarginal(train.labels ?? []), samples: scale.modeSamples) {
        sweepProgress.advance()
    }
    sweepProgress.finish()

    let table1 = try FlowGANReport.table1Runs(results)
        .meanAndStandardDeviation(groupedBy: ["objective", "paper MODE", "paper test NLL"])
    let table3 = try FlowGANReport.table3Runs(results)
        .meanAndStandardDeviation(groupedBy: ["objective", "paper exact", "paper AIS", "paper KDE"])
    let memoriserTable = try FlowGANReport.memoriserTable(sweep)
    try table1.writeCSV(to: output + "/table1.csv", existing: .overwrite)
    try table3.writeCSV(to: output + "/table3.csv", existing: .overwrite)
    try memoriserTable.writeCSV(to: output + "/memoriser.csv", existing: .overwrite)
    try AtomicFile.write(try markdown(scale: scale, table1: table1, table3: table3, memoriser: memoriserTable, sweep: sweep,
                                  results: results, dcganSpectra: dcganSpectra, flowDimensions: train.shape.dropFirst().reduce(1, *),
                                  classifier: classifierReport),
                         to: output + "/flowgan_tables.md", existing: .overwrite)

    let seedZero = Chapter5Scale.objectives.compactMap { objective, _ in
        results.first(where: { $0.config.schedule.seed == scale.seeds[0] && $0.config.objective == objective })
    }
    try FlowGANReport.curves(seedZero).savePNG(to: output + "/fig2_nll_curves.png", existing: .overwrite)
    try FlowGANReport.modeCurves(seedZero).savePNG(to: output + "/fig5_mode_curves.png", width: 560, existing: .overwrite)
    try FlowGANReport.jacobianCDF(seedZero, others: dcganSpectra)
        .savePNG(to: output + "/fig4_jacobian_cdf.png", width: 560, existing: .overwrite)
    let adversarial = seedZero.first(where: { $0.config.objective == .adv })
    try FlowGANReport.memoriserFigure(sweep, reference: ("ADV (seed \(scale.seeds[0]))",
                                                         adversarial?.metrics.final.validation?.continuousNLL,
                                                         adversarial?.metrics.bestModeScore))
        .savePNG(to: output + "/fig6_memoriser.png", existing: .overwrite)
    try ImageReport.sampleGrids(real: train.batch(Array(0..<16)),
                                runFolders: seedZero.map { ($0.config.objectiveLabel, output + "/runs/" + $0.name) })
        .savePNG(to: output + "/fig1_samples.png", existing: .overwrite)
    try memoriserSamples(sweep: sweep, train: train).savePNG(to: output + "/fig7_memoriser_samples.png", existing: .overwrite)

    var manifest = RunManifest.start(
        name: "chapter5-flowgan-\(scale.name)", seed: 0,
        config: ["scale": .string(scale.name), "data": .string(prefix), "iterations": .number(Double(scale.iterations)),
                 "seeds": .array(scale.seeds.map { .number(Double($0)) }), "executor": .object(executor.manifestEntry),
                 "nice": .string("\(scale.couplings) couplings × \(scale.hiddenLayers) layers × \(scale.hiddenUnits) units"),
                 "runs": RunGrid<FlowGANRun>.manifestEntries(results), "dcgan_runs": RunGrid<ImageRun>.manifestEntries(dcgans)],
        evaluationProtocol: [
            "nll": .string("exact, nats per image on [0, 1)^D after uniform dequantisation (Flow-GAN's MNIST unit)"),
            "mode_score": .string("\(scale.modeSamples) samples, digit classifier \(classifierReport.weightsHash) "
                                  + String(format: "(%.2f %% test accuracy)", classifierReport.heldOutAccuracy * 100)),
            "memoriser": .string("Gaussians of one σ on the \(train.count) training images, σ among 20 log-spaced values in "
                                 + "[0.01, 1], chosen by validation NLL"),
        ],
        now: start)
    manifest.finish()
    try manifest.write(to: output + "/manifest.json", existing: .overwrite)
    print("wrote \(output)/{flowgan_tables.md, table1.csv, table3.csv, memoriser.csv, fig1_samples.png, fig2_nll_curves.png, "
          + "fig4_jacobian_cdf.png, fig5_mode_curves.png, fig6_memoriser.png, fig7_memoriser_samples.png, manifest.json} (\(results.count) runs, "
          + String(format: "%.0f s)", Date().timeIntervalSince(start)))
    return failures
}

/// The data prefix of the scale: MNIST-5k written to `<output>/data/` from the raw CSV on first
/// use, or the user's converted files (refused, with the commands, when missing).
private func preparedData(scale: Chapter5Scale, output: String) throws -> String {
    if let prefix = scale.dataPrefix {
        let missing = ["train", "validation", "test"].map { "\(prefix)-\($0).h5" }
            .filter { !FileManager.default.fileExists(atPath: $0) }
        guard missing.isEmpty else {
            throw ConfigError("the \(scale.name) scale needs \(missing.joined(separator: ", ")); convert MNIST's IDX files with "
                              + "`mixedbatch data convert --format mnist --input mnist --split train --output \(prefix)-all.h5` "
                              + "(and --split test) and split 10,000 training images off as \(prefix)-validation.h5")
        }
        return prefix
    }
    let prefix = output + "/data/mnist5k"
    if !FileManager.default.fileExists(atPath: prefix + "-test.h5") {
        try RealDigits.mnist5k.writeSplit(prefix: prefix, overwrite: true)
        print("wrote \(prefix)-{train,validation,test}.h5: MNIST-5k, 4,000 / 500 / 500")
    }
    return prefix
}

/// Every generator's Jacobian summary: the flows (mean over seeds) and the k = d DCGANs.
private func jacobianTable(results: [FlowGANRunResult], flowDimensions: Int,
                           dcganSpectra: [(String, GeneratorJacobian.Spectrum)]) throws -> Table {
    var table = try Table(columns: ["generator", "mean ln|det|", "per dimension", "median condition number"])
    let flows = results.compactMap { run in run.metrics.jacobian.map { (run.config.objectiveLabel, $0, flowDimensions) } }
    for (label, spectrum, dimensions) in flows + dcganSpectra.map({ ($0.0, $0.1, Chapter5Scale.dcganLatentSize) }) {
        try table.append([.text(label), .number(spectrum.meanLogDeterminant), .number(spectrum.meanLogDeterminant / Double(dimensions)),
                          .number(spectrum.medianConditionNumber)])
    }
    return try table.meanAndStandardDeviation(groupedBy: ["generator"])
}

/// The MNIST-5k digits centred at 32×32 (the k = d DCGANs' data), written on first use.
private func centredDigits(output: String) throws -> String {
    let prefix = output + "/data/mnist5k-32"
    if !FileManager.default.fileExists(atPath: prefix + "-train.h5") {
        try RealDigits.mnist5k.writeSplit(prefix: prefix, pad: 32, overwrite: true)
        print("wrote \(prefix)-{train,validation,test}.h5: MNIST-5k centred at 32×32")
    }
    return prefix + "-train.h5"
}

/// Fig. 7's analogue: memoriser samples at three bandwidths around the validation-best one.
private func memoriserSamples(sweep: MemoriserSweep, train: ImageDataset) throws -> FigureGrid {
    let sigmas = [sweep.bestBandwidth / 4, sweep.bestBandwidth, min(1, sweep.bestBandwidth * 4)]
    var grid = try FigureGrid(rows: 1, columns: sigmas.count, title: "Memoriser samples",
                              columnTitles: sigmas.map { String(format: "σ = %.3f", $0) })
    grid.textScale = 1
    let kernels = try MemoriserSweep.memoriser(of: train)
    var random = RandomStream(seed: 0).split("memoriser-samples")
    for (column, sigma) in sigmas.enumerated() {
        let samples = kernels.sample(count: 16, bandwidth: sigma, random: &random)
        let images = clamp(try samples.reshaped([16] + Array(train.shape.dropFirst())) * 2 - 1, min: -1, max: 1)
        try grid.set(row: 0, column: column, Canvas.imageGrid(images, columns: 4, zoom: 1, gap: 1))
    }
    return grid
}

/// `flowgan_tables.md`: Tables 1 and 3 beside the paper, the memoriser sweep, the
/// log-determinants, and how the protocol differs from the paper's.
private func markdown(scale: Chapter5Scale, table1: Table, table3: Table, memoriser: Table, sweep: MemoriserSweep,
                      results: [FlowGANRunResult], dcganSpectra: [(String, GeneratorJacobian.Spectrum)], flowDimensions: Int,
                      classifier: DigitClassifier.Report) throws -> String {
    let memoriserMode = sweep.points.compactMap(\.modeScore).max()
    let adversarial = results.filter { $0.config.objective == .adv }
    let beating = adversarial.map { run -> String in
        let sigmas = FlowGANReport.bandwidthsBeating(nll: run.metrics.final.validation?.continuousNLL ?? .infinity,
                                                     modeScore: run.metrics.bestModeScore ?? .infinity, in: sweep)
        return "seed \(run.config.schedule.seed): " + (sigmas.isEmpty ? "none" : sigmas.map { String(format: "%.3f", $0) }.joined(separator: ", "))
    }.joined(separator: "; ")
    var text = """
    # Flow-GAN on real digits (scale \(scale.name))

    NICE generator (\(scale.couplings) additive couplings of \(scale.hiddenLayers) × \(scale.hiddenUnits) ReLU layers, a
    diagonal scaling, a logistic prior), \(scale.iterations) generator iterations, seeds \(scale.seeds.map(String.init).joined(separator: ", ")).
    NLL: exact, nats per image on [0, 1)^784 after uniform dequantisation (the paper's unit; add 784 ln 256 ≈ 4347.4
    for the discrete value). MODE score: \(scale.modeSamples) samples in the classes of our digit classifier
    (\(String(format: "%.2f", classifier.heldOutAccuracy * 100)) % on \(classifier.heldOutImages) held-out digits). The paper trains on
    50,000 MNIST digits with a 4 × 5 × 1000 NICE; its numbers are beside ours, not comparable in scale.

    ## Table 1 — best MODE score and test NLL (nats) by objective

    \(table1.markdown(precision: 2))
    Test NLL of the best-validated flow (lowest validation NLL among the curve points, `best.h5`); MODE the highest
    seen during training. Memoriser: test NLL \(String(format: "%.2f", sweep.testNLL)) at its validation-best
    σ = \(String(format: "%.3f", sweep.bestBandwidth)); best MODE over σ \(memoriserMode.map { String(format: "%.2f", $0) } ?? "–").

    ## Table 3 — test log-likelihood (nats): exact against the Parzen and AIS estimates

    \(table3.markdown(precision: 2))
    Our columns are the final flows' (the paper takes its best-MODE checkpoints); Parzen: a Gaussian KDE on the
    flow's samples with σ chosen on validation images. AIS (Wu et al.): the generator as a decoder with Gaussian noise of
    that same σ, \(scale.ais.steps) annealing distributions (sigmoid schedule), \(scale.ais.chains) chains per image, one HMC
    transition (5 leapfrog steps) per distribution, on the first \(scale.ais.images) test images — compare it with the exact
    value on those images (the column before it), not with the full test set's.

    ## Jacobians of the generators (Figs. 4 and 8, fig4_jacobian_cdf.png)

    \(try jacobianTable(results: results, flowDimensions: flowDimensions, dcganSpectra: dcganSpectra).markdown(precision: 3))
    Singular values of ∂G/∂z at \(scale.jacobianPoints) prior draws. The flows map \(flowDimensions) latent to as many pixel dimensions; the
    k = d DCGANs (the SNGAN standard CNN at width × \(scale.dcgan.width), latent 1,024, \(scale.dcgan.iterations) iterations, seed
    \(scale.seeds[0]), trained as `train-image` runs with the JS loss and WGAN-GP) map 1,024 to the digits centred at 32×32, so
    compare per dimension. The paper: log-determinants MLE −4170 > hybrid −5184 > ADV −15588, and DCGANs with k = d as
    ill-conditioned as ADV.

    ## Memoriser sweep (Figs. 6 and 7)

    \(memoriser.markdown(precision: 3))
    Bandwidths at which the memoriser beats ADV's final flow on validation NLL and its best MODE score: \(beating).

    """
    text += "\n"
    return text
}
