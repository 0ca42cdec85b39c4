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

    @Option(help: "gan, mixup, bgan, mbgan, minibatch-discrimination, minibatch-stddev, pacgan, wgan-gp or gan-gp.")
    var method: String?

    @Option(help: "squares, circles, grid25 or ring8.")
    var dataset: String?

    @Option(help: "Batch smoothing γ in [0, 0.5] (0: pure batches).")
    var gamma: Float?

    @Option(help: "Mixing prior: smoothing or beta.")
    var prior: String?

    @Option(name: .customLong("beta-a"), help: "a of the Beta(a, b) prior.")
    var betaA: Float?

    @Option(name: .customLong("beta-b"), help: "b of the Beta(a, b) prior.")
    var betaB: Float?

    @Option(name: .customLong("loss-placement"),
            help: "BGAN's reduction: logits (sigmoid of the mean logit) or probabilities (mean of sigmoids).")
    var lossPlacement: String?

    @Option(help: "Units per hidden layer.") var width: Int?
    @Option(help: "Hidden layers per network.") var depth: Int?

    @OptionGroup var common: RunCommandOptions


    func run() throws {
        let runConfig = try common.resolve(MixtureRunConfig(), flags: [
            ("method", method), ("dataset", dataset), ("gamma", gamma.map { Double($0) }), ("prior", prior),
            ("beta_a", betaA.map { Double($0) }), ("beta_b", betaB.map { Double($0) }),
            ("bgan_aggregation", lossPlacement), ("width", width), ("depth", depth),
        ])
        let folder = common.folder(for: runConfig.runName)
        try executeRun(name: runConfig.runName, iterations: runConfig.iterations, quiet: common.quiet) { onIteration in
            let result = try MixtureRun(config: runConfig, folder: folder).execute(resume: common.resume,
                                                                                    onIteration: onIteration)
            return (summary(result, folder: folder), result.status == .diverged ? result.message ?? "the run diverged" : nil)
        }
    }

    func summary(_ result: MixtureRunResult, folder: String) -> [String: JSONValue] {
        let metrics = result.metrics
        return [
            "name": .string(result.name), "status": .string(result.status.rawValue), "output": .string(folder),
            "method": .string(result.config.method.rawValue), "dataset": .string(result.config.dataset),
            "iterations": .number(Double(result.iterations)),
            "modes": .number(Double(metrics.modes)), "modes_total": .number(Double(metrics.modesTotal)),
            "hq_fraction": .number(metrics.hqFraction),
            "reverse_kl": metrics.reverseKL.map(JSONValue.number) ?? .string("inf"),
            "seconds": .number(result.seconds), "seconds_per_iteration": .number(result.secondsPerIteration),
        ]
    }
}
