import ArgumentParser
import Datasets
import ExperimentRuns
import Training
import Foundation
import ImageExperiments
import Reporting

/// `mixedbatch data glyphs`: the procedural stacked-glyph dataset (1,000 modes) as HDF5.
struct DataGlyphs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glyphs",
        abstract: "Write the procedural stacked-glyph dataset (1,000 known modes) as an HDF5 image dataset.",
        discussion: "mixedbatch data glyphs --count 20000 --output data/glyphs-train.h5")

    @Option(help: "Number of stacked images.") var count = 20_000
    @Option(help: "Image side (32, 48 or 64 for the SNGAN stack).") var size = 32
    @Option var seed: UInt64 = 0
    @Option(help: "The HDF5 file to write.") var output: String
    @Flag(help: "Replace an existing output file.") var overwrite = false

    func run() throws {
        try requireCounts(["--count": count], in: 1...10_000_000)
        try requireCounts(["--size": size], in: 8...512)
        var glyphs = ProceduralGlyphs()
        glyphs.size = size
        let dataset = try GlyphAssets.writeDataset(to: output, count: count, seed: seed, glyphs: glyphs, overwrite: overwrite)
        print("wrote \(output): \(dataset.shape) uint8 with mode labels 0–999")
    }
}

/// `mixedbatch data glyph-classifier`: trains the classifier of the image metrics on the
/// procedural glyphs and reports its held-out accuracy.
struct DataGlyphClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glyph-classifier",
        abstract: "Train the glyph classifier that counts modes and gives the features of FID, KID and the IS analogue.",
        discussion: "Refuses to save a classifier below --required-accuracy on held-out glyphs.")

    @Option(help: "Adam steps of batch 64 on fresh glyphs.") var steps = 3_000
    @Option(help: "Image side of the glyphs (the dataset's).") var size = 32
    @Option var seed: UInt64 = 0
    @Option(help: "Also measure the 1,000-mode accuracy on this labelled glyph dataset.") var data: String?
    @Option(name: .customLong("required-accuracy"), help: "Minimum held-out glyph accuracy.") var requiredAccuracy = 0.99
    @Option(help: "The checkpoint to write.") var output: String
    @Flag(help: "Replace an existing output file.") var overwrite = false
    @Flag(help: "No progress bar.") var quiet = false

    func run() throws {
        try requireCounts(["--steps": steps], in: SettingBounds.steps)
        try requireCounts(["--size": size], in: 8...512)
        try requireSetting((0...1).contains(requiredAccuracy), "--required-accuracy \(requiredAccuracy) must be in [0, 1]")
        var glyphs = ProceduralGlyphs()
        glyphs.size = size
        let dataset = try data.map { try ImageDataset.read(fromHDF5: $0) }
        let progress = quiet ? nil : ProgressBar(total: steps, label: "glyph classifier")
        let report = try GlyphAssets.trainClassifier(to: output, steps: steps, seed: seed, glyphs: glyphs,
                                                     dataset: dataset, requiredAccuracy: requiredAccuracy,
                                                     overwrite: overwrite) { _ in progress?.advance() }
        progress?.finish()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
