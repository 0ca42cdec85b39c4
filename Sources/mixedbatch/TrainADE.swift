import AdaptiveDensity
import ArgumentParser
import Foundation

/// `mixedbatch train-ade`: one model of Table 5.1 (GAN, VAE, V-ADE, AV-GDE, AV-ADE; spec §4)
/// on an HDF5 image dataset; prints a JSON summary.
struct TrainADE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-ade",
        abstract: "Train a model of chapter 5's Table 5.1 (adaptive density estimation) by likelihood, adversarially or both.",
        discussion: """
        Settings come from the defaults (AV-ADE, Adamax 0.002, w = 100, gradient penalty 100), then \
        --config, then the flags and --set (every key of the ADE settings, e.g. --set noisy_samples=false). \
        BPD: the IWAE-k bound on held-out images (an upper bound). Images must be 32×32, 48×48 or 64×64 \
        (`mixedbatch data mnist5k --pad 32` writes MNIST-5k at 32×32). Table 5.2's refinements: \
        --set discriminator=residual (rd), --set wide_generator=true (wg), --set posterior_flow=iaf (iaf), --set flow_scales=2 (s2). \
        Exit status: 0 trained, 3 the loss diverged (the summary says where), 2 bad input.
        Example:
          mixedbatch data mnist5k --pad 32 --output data/mnist5k-32
          mixedbatch train-ade --variant av-ade --iterations 2000 --output results/runs/avade
        """)

    @Option(help: ArgumentHelp(ADEVariant.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var variant: String?

    @Option(help: "The HDF5 image dataset to train on (8-bit).")
    var data: String?

    @Option(name: .customLong("test-data"), help: "Held-out images for the BPD and the sample metrics.")
    var testData: String?

    @Option(help: "A classifier checkpoint for FID, KID, precision / recall, IS and MODE.")
    var classifier: String?

    @OptionGroup var common: RunCommandOptions

    func run() throws {
        let config = try common.resolve(ADERunConfig(), flags: [
            ("variant", variant), ("data", data), ("test_data", testData), ("classifier", classifier),
        ])
        try executeRun(ADERun.self, config: config, options: common)
    }
}
