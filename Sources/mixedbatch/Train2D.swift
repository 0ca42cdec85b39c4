import Adversarial
import ArgumentParser
import ExperimentRuns
import Foundation
import Hybrid
import Training
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
        Published protocols: mixedbatch train2d --protocol pacgan --dataset ring8 --method pacgan --iterations 20000
        Hybrids: mixedbatch train2d --protocol bms --hybrid bms --samples 10 --dataset grid25 --iterations 5000
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
    @Option(help: ArgumentHelp("A published protocol as the defaults: "
                               + MixtureProtocol.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var `protocol`: String?
    @Option(help: ArgumentHelp("Train an auto-encoding hybrid instead of the GAN: "
                               + HybridModel.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var hybrid: String?
    @Option(help: "T, posterior samples per point (best-of-many for bms, bms-vae).") var samples: Int?
    @Option(help: "relu, leaky_relu, tanh or elu.") var activation: String?
    @Option(name: .customLong("maxout-pieces"), help: "Maxout pieces of the discriminator's units (1: none).")
    var maxoutPieces: Int?

    @OptionGroup var adversarial: AdversarialCommandOptions
    @OptionGroup var common: RunCommandOptions


    func run() throws {
        var defaults = MixtureRunConfig()
        if let name = self.protocol {
            guard let preset = MixtureProtocol(rawValue: name) else {
                throw ConfigError("--protocol \(name): unknown; choose one of "
                                  + MixtureProtocol.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let dataset { defaults.dataset = dataset }
            defaults = preset.apply(to: defaults)
        }
        let runConfig = try common.resolve(defaults, flags: [
            ("method", method), ("dataset", dataset), ("bgan_aggregation", lossPlacement), ("width", width),
            ("depth", depth), ("hybrid", hybrid), ("samples", samples), ("activation", activation),
            ("maxout_pieces", maxoutPieces),
        ] + adversarial.flags)
        try executeRun(MixtureRun.self, config: runConfig, options: common)
    }
}
