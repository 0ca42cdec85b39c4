import Datasets
import ExperimentRuns
import Foundation
import Hybrid
import ImageExperiments
import Reporting
import Training

/// One row of the BMS image table: SN-GAN (the GAN baseline with a spectrally normalised
/// discriminator) or a hybrid with T samples, and the BMS paper's CIFAR-10 FID beside it.
struct BMSImageRow: Equatable {
    var hybrid: HybridModel?
    var samples = 1
    var published: String

    static let rows = [
        BMSImageRow(hybrid: nil, published: "25.5 (standard CNN)"),
        BMSImageRow(hybrid: .wae, published: "89.3 ± 0.3 (DCGAN)"),
        BMSImageRow(hybrid: .alphaGAN, published: "29.4 ± 0.3 (DCGAN)"),
        BMSImageRow(hybrid: .alphaGANSN, published: "24.6 ± 0.3 (standard CNN)"),
        BMSImageRow(hybrid: .bms, samples: 3, published: "23.8 ± 0.2 or 23.4 ± 0.2 (standard CNN; T lost)"),
        BMSImageRow(hybrid: .bms, samples: 10, published: "23.8 ± 0.2 or 23.4 ± 0.2 (standard CNN; T lost)"),
    ]

    func configure(_ base: ImageRunConfig) -> ImageRunConfig {
        var config = base
        config.method = .gan
        config.spectralNorm = hybrid == nil
        config.hybrid.hybrid = hybrid
        config.hybrid.samples = samples
        return config
    }

    func matches(_ config: ImageRunConfig) -> Bool {
        config.hybrid.hybrid == hybrid && (hybrid == nil ? config.spectralNorm : config.hybrid.samples == samples)
    }
}

/// The image part's size: chapter 4's image scale (data, width, seeds, evaluation) with its own
/// iteration budget. `default`: the procedural stacked glyphs at 1/16 width, 800 generator
/// iterations, 2 seeds (BMS-VAE-GAN with T = 10 costs 4× a GAN per iteration); `paper`:
/// CIFAR-10 at full width, 100,000 iterations, samples exported for `mixedbatch evaluate`;
/// `smoke`: the pipeline in a minute.
func bmsImageScale(_ name: String) throws -> Chapter4ImageScale {
    var scale = try Chapter4ImageScale.named(name == "paper" ? "thesis" : name)
    scale.name = name
    scale.iterations = ["default": 800, "paper": 100_000, "smoke": 6][name] ?? scale.iterations
    if name == "default" { scale.curveEvery = 200 }
    scale.variants = [ImageVariant(.gan)]
    return scale
}

extension BMS {
    func runImages(worker: URL) throws -> [String] {
        let start = Date(), folder = output + "/images"
        var scale = try bmsImageScale(scale)
        if let seeds { scale.seeds = ChapterDriver.seeds(seeds) ?? scale.seeds }
        let (dataPath, classifierPath, classifier) = try scale.prepareData(in: folder, trainClassifier: trainClassifier)
        let base = scale.runs(data: dataPath, classifier: classifierPath)
        let configs = BMSImageRow.rows.flatMap { row in base.map(row.configure) }
        let grid = RunGrid<ImageRun>(label: "BMS image rows, scale \(scale.name)", runsFolder: folder + "/runs",
                                     worker: worker, executor: try runExecutor())
        // The costliest (largest T) first, so that the workers finish together.
        let (results, failures) = try grid.run(configs) { $0.hybrid.samples >= 10 }

        let groups = BMSImageRow.rows.map { row in (runs: results.filter { row.matches($0.config) }, reference: row.published) }
        let table = try ImageReport.summaryTable(groups, referenceTitle: "BMS paper, CIFAR-10 FID")
        try table.writeCSV(to: folder + "/table.csv", existing: .overwrite)
        try ImageReport.runTable(results).writeCSV(to: folder + "/runs.csv", existing: .overwrite)
        let c = base[0]
        var text = "# BMS-VAE-GAN's image rows (scale: \(scale.name))\n\n"
            + "Data: \(dataPath). SNGAN standard CNN (spec §3.5) at width × \(c.widthMultiplier) for the generator, the critic "
            + "(spectrally normalised for SN-GAN, α-GAN + SN and BMS-VAE-GAN) and the encoder (the critic's convolutions, "
            + "2·\(c.latentSize) outputs); code discriminator \(c.hybrid.codeDepth) × \(c.hybrid.codeWidth); "
            + "\(c.iterations) generator iterations at batch \(c.batchSize), Adam(α \(c.learningRate), β1 \(c.beta1), "
            + "β2 \(c.beta2)); α = β = λ = 1 with the ℓ1 reconstruction; seeds \(scale.seeds.map(String.init).joined(separator: ", ")); "
            + "metrics on \(scale.evaluationSamples) generated and as many real images.\n\n"
        if let classifier {
            text += String(format: "Features: the glyph classifier (held-out accuracy %.2f %%, weights %@); FID, KID and "
                           + "precision / recall are in its features, not Inception's, so the last column (the BMS paper's CIFAR-10 "
                           + "FIDs) is for the ranking only.\n\n", classifier.heldOutAccuracy * 100, classifier.weightsHash)
        } else if let weights = scale.availableInceptionWeights {
            text += "Features: Inception-v3 (\(weights)): IS and FID against as many training images, beside the paper's "
                + "CIFAR-10 FIDs (comparable when the weights are pytorch-fid's; the runs' manifests record their SHA-256).\n\n"
        } else {
            text += "No feature extractor is built into these runs: each writes its samples (`evaluation_samples.h5`); score "
                + "them with `mixedbatch evaluate --real \(dataPath) --generated <run>/evaluation_samples.h5 --weights "
                + "data/inception-v3-fid.h5` (README, Evaluating samples).\n\n"
        }
        text += table.markdown(precision: 3) + "\n" + ImageReport.divergedNotes(results)
        try AtomicFile.write(text, to: folder + "/table.md", existing: .overwrite)
        let seedZero = BMSImageRow.rows.compactMap { row in results.first { $0.config.seed == scale.seeds[0] && row.matches($0.config) } }
        try ImageReport.saveSampleGrids(data: dataPath, runs: seedZero, runsFolder: folder + "/runs", to: folder + "/samples.png")
        var manifest = RunManifest.start(
            name: "bms-images-\(scale.name)", seed: 0,
            config: ["scale": .string(scale.name), "data": .string(dataPath), "iterations": .number(Double(scale.iterations)),
                     "executor": .object(try runExecutor().manifestEntry), "runs": RunGrid<ImageRun>.manifestEntries(results)],
            evaluationProtocol: ["generated_samples": .number(Double(scale.evaluationSamples)),
                                 "feature_extractor": .string(ImageReport.featureExtractorDescription(
                                     classifier: classifier, inceptionWeights: scale.availableInceptionWeights))],
            now: start)
        manifest.finish()
        try manifest.write(to: folder + "/manifest.json", existing: .overwrite)
        print("wrote \(folder)/table.md, table.csv, runs.csv, samples.png, manifest.json (\(results.count) runs, "
              + String(format: "%.0f s)", Date().timeIntervalSince(start)))
        return failures
    }
}
