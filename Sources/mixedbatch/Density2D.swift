import ArgumentParser
import DensityExperiments
import Foundation
import Training
import Reporting

/// `mixedbatch density-2d`: a flow fitted to each 2D mixture of chapter 4, its test NLL beside
/// the mixture's entropy (no model can go below it in expectation).
struct Density2D: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "density-2d",
        abstract: "Fit an affine-coupling flow to each 2D mixture of chapter 4; test NLL beside the mixture's exact entropy.",
        discussion: "Writes <output>/mixture_flows.csv and .md (never overwritten) and prints the Markdown table.")

    @Option(help: "Training iterations per mixture.") var iterations = 4_000
    @Option(help: "Mixtures (comma-separated): squares, circles, grid25, ring8.") var mixtures = "squares,circles,grid25,ring8"
    @Option var seed: UInt64 = 0
    @Option(help: "The output folder.") var output = "results/likelihood"

    func run() throws {
        try requireCounts(["--iterations": iterations], in: SettingBounds.steps)
        var settings = MixtureDensities.Settings()
        settings.iterations = iterations
        settings.seed = seed
        let names = mixtures.split(separator: ",").map(String.init)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for file in ["mixture_flows.csv", "mixture_flows.md"] where FileManager.default.fileExists(atPath: output + "/" + file) {
            throw ConfigError("\(output)/\(file) exists; choose another --output (results are never overwritten)")
        }
        let table = try MixtureDensities.table(settings, mixtures: names) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        try table.writeCSV(to: output + "/mixture_flows.csv")
        try table.writeMarkdown(to: output + "/mixture_flows.md")
        print(table.markdown(precision: 3))
    }
}
