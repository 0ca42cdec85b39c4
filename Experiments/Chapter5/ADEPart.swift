import AdaptiveDensity
import Datasets
import ExperimentRuns
import FlowGAN
import Foundation
import ImageExperiments
import Reporting
import Training

/// The ADE part of `make chapter5` (spec §4.8, Table 5.1): GAN, VAE, V-ADE, AV-GDE and AV-ADE
/// over the scale's seeds and Table 5.2's refinements (rd, wg, iaf, s2) of the GAN and AV-ADE, then
/// the tables (CSV + Markdown) beside the thesis' CIFAR-10 numbers,
/// the Fig. 5.5 analogue (samples of every model) and a manifest, in `output`. The default and
/// smoke scales train on MNIST-5k centred at 32×32 (made on first use) with a digit classifier
/// for the sample metrics; the thesis scale on CIFAR-10 (`data/cifar10-{train,test}.h5`), whose
/// sample metrics need Inception and are left out. Returns the failed runs.
func runADEPart(scale: Chapter5Scale, output: String, worker: URL, executor: RunExecutor) throws -> [String] {
    let start = Date()
    let prefix: String
    var classifierPath: String?
    var classifierReport: DigitClassifier.Report?
    if scale.dataPrefix == nil {
        prefix = output + "/data/mnist5k-32"
        if !FileManager.default.fileExists(atPath: prefix + "-test.h5") {
            try RealDigits.mnist5k.writeSplit(prefix: prefix, pad: 32, overwrite: true)
            print("wrote \(prefix)-{train,validation,test}.h5: MNIST-5k centred at 32×32")
        }
        let path = output + "/data/digit-classifier-32.h5"
        if FileManager.default.fileExists(atPath: path) {
            classifierReport = try DigitClassifier.report(at: path)
        } else {
            let progress = ProgressBar(total: scale.classifierSteps, label: "digit classifier (32×32)")
            classifierReport = try DigitClassifier.train(
                to: path, train: ImageDataset.read(fromHDF5: prefix + "-train.h5"), heldOut: ImageDataset.read(fromHDF5: prefix + "-test.h5"),
                steps: scale.classifierSteps, requiredAccuracy: scale.requiredAccuracy) { _ in progress.advance() }
            progress.finish()
        }
        classifierPath = path
    } else {
        prefix = "data/cifar10"
        guard FileManager.default.fileExists(atPath: prefix + "-train.h5"), FileManager.default.fileExists(atPath: prefix + "-test.h5") else {
            throw ConfigError("the \(scale.name) scale trains Table 5.1 on \(prefix)-train.h5 and -test.h5; make them with "
                              + "`mixedbatch data convert --format cifar10 --input cifar-10-batches-bin --split train --output "
                              + "\(prefix)-train.h5` (and --split test)")
        }
    }

    let grid = RunGrid<ADERun>(label: "chapter 5 (Table 5.1), scale \(scale.name)", runsFolder: output + "/runs",
                               worker: worker, executor: executor)
    let configs = scale.adeConfigs(prefix: prefix, classifier: classifierPath)
    let refinementConfigs = scale.refinementConfigs(prefix: prefix, classifier: classifierPath)
    let (results, failures) = try grid.run(configs + refinementConfigs) { $0.variant == .avade || $0.variant == .avgde }
    let table51 = results.filter { $0.config.refinements.isEmpty }
    // Table 5.2: the GAN and AV-ADE of Table 5.1 at the refinement seeds, then each refinement, in the thesis' order.
    let refinementSeeds = Set(refinementConfigs.map(\.schedule.seed))
    let table52 = [ADEVariant.gan, .avade].flatMap { variant in
        table51.filter { $0.config.variant == variant && refinementSeeds.contains($0.config.schedule.seed) }
            + results.filter { $0.config.variant == variant && !$0.config.refinements.isEmpty }
    }

    let table = try ADEReport.runs(table51).meanAndStandardDeviation(groupedBy: ADEReport.keys)
    try table.writeCSV(to: output + "/table5_1.csv", existing: .overwrite)
    let refinementTable = try ADEReport.runs(table52).meanAndStandardDeviation(groupedBy: ADEReport.keys)
    try refinementTable.writeCSV(to: output + "/table5_2.csv", existing: .overwrite)
    let first = ADEVariant.allCases.compactMap { variant in
        table51.first(where: { $0.config.schedule.seed == scale.seeds[0] && $0.config.variant == variant })
    }
    let training = try ImageDataset.read(fromHDF5: prefix + "-train.h5")
    try ImageReport.sampleGrids(real: training.batch(Array(0..<16)),
                                runFolders: first.map { ($0.config.variant.label, output + "/runs/" + $0.name) })
        .savePNG(to: output + "/fig5_5_samples.png", existing: .overwrite)
    let firstRefinements = table52.filter { $0.config.schedule.seed == refinementSeeds.min() && !$0.config.refinements.isEmpty }
    try ADEReport.precisionRecallFigure(first + firstRefinements,
                                        title: "PRD curves, seed \(scale.seeds[0]) (20 clusters of classifier features)")
        .savePNG(to: output + "/fig5_11_prd.png", width: 640, existing: .overwrite)
    let a = scale.ade
    let text = """
    # Table 5.1 analogue (scale \(scale.name))

    \(prefix == "data/cifar10" ? "CIFAR-10" : "MNIST-5k centred at 32×32 (4,000 training, 500 test digits)"); \(a.iterations) \
    iterations, batch \(a.batchSize), seeds \(scale.seeds.map(String.init).joined(separator: ", ")); Adamax 0.002, w = 100, \
    gradient penalty 100, Algorithm 1's noisy samples, ψ trained by L_C only. The generator of every row is one top-down VAE \
    (\(a.features) channels, 2 stochastic layers of \(a.latentChannels) latent channels; † rows narrowed so that f_ψ adds no \
    parameters); f_ψ one Real-NVP scale of 3 couplings with 2 residual blocks of \(a.flowFeatures) channels; the \
    discriminator the SNGAN standard CNN at width \(a.discriminatorWidth). BPD: IWAE bound with k = \(a.importanceSamples) on \
    the test images (upper bounds; the GAN's through an inference network and σ trained for 200 steps around its frozen generator, §4.7). FID, KID, IS, MODE, precision / recall: \(a.metricSamples) \
    samples in the features of our digit classifier\(classifierReport.map { String(format: " (%.2f %% test accuracy)", $0.heldOutAccuracy * 100) } ?? ""), \
    not Inception: comparable among our rows only. PRD AUC, F8 (recall-weighted) and F1/8 (precision-weighted): \
    Sajjadi et al.'s precision–recall curves for distributions in the same features (k-means with 20 clusters on both \
    sets, 10 runs, 1,001 slopes; fig5_11_prd.png). The thesis' CIFAR-10 numbers are beside ours.

    \(table.markdown(precision: 3))
    """
    try AtomicFile.write(text + "\n", to: output + "/table5_1.md", existing: .overwrite)
    let refinementText = """
    # Table 5.2 analogue (scale \(scale.name))

    The refinements of Table 5.2 on the same data, schedule and sizes as Table 5.1, seed(s) \
    \(refinementSeeds.sorted().map(String.init).joined(separator: ", ")): rd = Table A.1's residual discriminator \
    (ReLU pre-activation blocks to 32, 64, 128, 256 channels at width \(a.discriminatorWidth), sum over positions); \
    wg = the VAE with twice the channels (then narrowed by † like every model with f_ψ); iaf = one inverse \
    autoregressive step (gated, weight-normalised masked 3×3 convolutions, context from the inference path) on every \
    stochastic layer's posterior, on our top-down VAE (Table A.1's residual IAF-VAE blocks are not reproduced); s2 = f_ψ \
    with two scales (3 checkerboard couplings, a squeeze, 3 channel couplings and a factor-out, then 3 checkerboard \
    couplings). Same metrics as Table 5.1; the thesis' CIFAR-10 numbers beside ours.

    \(refinementTable.markdown(precision: 3))
    """
    try AtomicFile.write(refinementText + "\n", to: output + "/table5_2.md", existing: .overwrite)
    let comparison = try ADEReport.publishedComparison(results)
    try comparison.writeCSV(to: output + "/table5_3.csv", existing: .overwrite)
    let oursNote = prefix == "data/cifar10"
        ? "Ours are on CIFAR-10: the BPD columns compare directly; our IS / FID need Inception-v3 features, so they are "
            + "left out here: `mixedbatch evaluate --real data/cifar10-test.h5 --generated runs/<run>/evaluation_samples.h5 "
            + "--extractor inception-v3 --weights data/inception-v3-fid.h5` (README \"Evaluating samples\") scores each run's \(scale.ade.metricSamples) samples."
        : "Ours are on MNIST-5k centred at 32×32 with IS / FID in our digit classifier's features, so they compare with "
            + "each other, not with the published CIFAR-10 numbers; `make chapter5 SCALE=thesis` trains these rows on CIFAR-10."
    let comparisonText = """
    # Table 5.3 analogue (scale \(scale.name))

    The thesis' comparison on CIFAR-10 (BPD, IS, FID as published; † the thesis' authors' numbers from released weights, \
    ‡ after retraining with released code), and beside the models this target trains (the AV-ADE refinements of Table \
    5.2) our test BPD, IS and FID (mean ± std over the runs counted). \(oursNote) \
    The other published rows are not retrained here (BatchGAN = M-BGAN is chapter 4's, Flow-GAN the Flow-GAN part's, on \
    their own data).

    \(comparison.markdown(precision: 3))
    """
    try AtomicFile.write(comparisonText + "\n", to: output + "/table5_3.md", existing: .overwrite)
    var manifest = RunManifest.start(
        name: "chapter5-ade-\(scale.name)", seed: 0,
        config: ["scale": .string(scale.name), "data": .string(prefix), "iterations": .number(Double(a.iterations)),
                 "seeds": .array(scale.seeds.map { .number(Double($0)) }), "executor": .object(executor.manifestEntry),
                 "runs": RunGrid<ADERun>.manifestEntries(results)],
        evaluationProtocol: ["bpd": .string("IWAE k = \(a.importanceSamples) on the test images, + 8 bits"),
                             "sample_metrics": .string(classifierReport.map { "\(a.metricSamples) samples, digit classifier \($0.weightsHash)" }
                                 ?? "not measured (no classifier for this data)")],
        now: start)
    manifest.finish()
    try manifest.write(to: output + "/manifest.json", existing: .overwrite)
    print("wrote \(output)/{table5_1.md, table5_1.csv, table5_2.md, table5_2.csv, table5_3.md, table5_3.csv, fig5_5_samples.png, fig5_11_prd.png, manifest.json} (\(results.count) runs, "
          + String(format: "%.0f s)", Date().timeIntervalSince(start)))
    return failures
}
