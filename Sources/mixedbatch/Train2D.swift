import Adversarial
import ArgumentParser
import ExperimentRuns
import Foundation
import MixtureExperiments
import Reporting

/// `mixedbatch train2d`: one 2D run of chapter 4 from a config file and/or flags; prints a
/// JSON summary (metrics, seconds per iteration) on standard output.
struct Train2D: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train2d",
        abstract: "Train one GAN variant on a 2D Gaussian mixture and report its mode coverage.",
        discussion: """
        Settings come from the defaults (the thesis' 2D setup), then --config, then the flags. \
        Exit status: 0 trained, 3 the loss diverged (the summary says where), 2 bad input.
        Example: mixedbatch train2d --method bgan --gamma 0.3 --dataset squares --iterations 2000 --output results/runs/demo
        """)

    @Option(help: ArgumentHelp(AdversarialMethod.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var method: String?

    @Option(help: "squares, circles, grid25 or ring8.")
    var dataset: String?

    @Option(name: .customLong("loss-placement"),
            help: "BGAN's reduction: logits (sigmoid of the mean logit) or probabilities (mean of sigmoids).")
    var lossPlacement: String?

    @Option(help: "Units per hidden layer.") var width: Int?
    @Option(help: "Hidden layers per network.") var depth: Int?

    @OptionGroup var adversarial: AdversarialCommandOptions
    @OptionGroup var common: RunCommandOptions


    func run() throws {
        let runConfig = try common.resolve(MixtureRunConfig(), flags: [
            ("method", method), ("dataset", dataset), ("bgan_aggregation", lossPlacement), ("width", width),
            ("depth", depth),
        ] + adversarial.flags)
        try executeRun(MixtureRun.self, config: runConfig, options: common)
    }
}
