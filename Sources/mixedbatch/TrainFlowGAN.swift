import ArgumentParser
import FlowGAN
import Foundation

/// `mixedbatch train-flowgan`: one Flow-GAN (spec §5) — a NICE or Real-NVP flow trained by
/// maximum likelihood, WGAN-GP or the hybrid objective; prints a JSON summary.
struct TrainFlowGAN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-flowgan",
        abstract: "Train a Flow-GAN (a flow as the generator) by MLE, adversarially (WGAN-GP) or by the hybrid objective.",
        discussion: """
        Settings come from the defaults (NICE on MNIST-5k, hybrid with λ = 0.1), then --config, then the \
        flags and --set (every key of the density and Flow-GAN settings, e.g. --set critic_steps=5). \
        NLLs are exact: nats on [0, 1)^D (Flow-GAN's MNIST unit) and discrete-data bits per dimension. \
        The run folder keeps best.h5, the flow with the best validation NLL. \
        Exit status: 0 trained, 3 the loss diverged (the summary says where), 2 bad input.
        Example (MNIST-5k, offline):
          mixedbatch data mnist5k
          mixedbatch train-flowgan --objective adv --iterations 2000 --output results/runs/flowgan-adv
        """)

    @Option(help: ArgumentHelp("mle, adv or hybrid."))
    var objective: String?

    @Option(name: .customLong("likelihood-weight"), help: "λ of the hybrid objective.")
    var likelihoodWeight: Double?

    @Option(help: "nice or realnvp.")
    var model: String?

    @Option(help: "The HDF5 image dataset to train on (8-bit).")
    var data: String?

    @Option(help: "A classifier checkpoint trained on the labelled digits, for the MODE score.")
    var classifier: String?

    @OptionGroup var common: RunCommandOptions

    func run() throws {
        let config = try common.resolve(FlowGANRunConfig(), flags: [
            ("objective", objective), ("likelihood_weight", likelihoodWeight), ("model", model), ("data", data),
            ("classifier", classifier),
        ])
        try executeRun(FlowGANRun.self, config: config, options: common)
    }
}
