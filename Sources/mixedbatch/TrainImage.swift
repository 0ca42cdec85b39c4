import ArgumentParser
import Adversarial
import ExperimentRuns
import Foundation
import Hybrid
import ImageExperiments
import Reporting

/// `mixedbatch train-image`: one image run of chapter 4 (SNGAN CNN stack) from a config file
/// and/or flags; prints a JSON summary (metrics, seconds per iteration) on standard output.
struct TrainImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-image",
        abstract: "Train one GAN variant with the SNGAN CNN stack on an HDF5 image dataset and evaluate it.",
        discussion: """
        Settings come from the defaults (the thesis' CIFAR-10 setup), then --config, then the flags. \
        Exit status: 0 trained, 3 the loss diverged (the summary says where), 2 bad input.
        Example (the procedural glyphs, small networks):
          mixedbatch data glyphs --output data/glyphs-train.h5
          mixedbatch data glyph-classifier --output data/glyph-classifier.h5
          mixedbatch train-image --method mbgan --gamma 0.3 --data data/glyphs-train.h5 \\
            --classifier data/glyph-classifier.h5 --width-multiplier 0.125 --iterations 2000 --output results/runs/glyphs-demo
        A hybrid (BMS-VAE-GAN with T = 10) on the same data: add --hybrid bms --samples 10.
        Thesis scale (CIFAR-10): mixedbatch data convert --format cifar10 --input cifar-10-batches-bin \\
          --output data/cifar10-train.h5; then train-image --data data/cifar10-train.h5 --iterations 200000.
        """)

    @Option(help: ArgumentHelp(ImageRunConfig.imageMethods.map(\.rawValue).joined(separator: ", ") + "."))
    var method: String?

    @Flag(name: .customLong("spectral-norm"), help: "GAN, GAN-GP, WGAN-GP: spectrally normalise the discriminator.")
    var spectralNorm = false

    @Option(help: "The HDF5 image dataset to train on.")
    var data: String?

    @Option(help: "A glyph-classifier checkpoint for the feature metrics (procedural glyphs only).")
    var classifier: String?

    @Option(name: .customLong("width-multiplier"), help: "Channel counts relative to the full-width networks.")
    var widthMultiplier: Double?

    @Option(help: ArgumentHelp("Train an auto-encoding hybrid instead of the GAN: "
                               + HybridModel.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var hybrid: String?

    @Option(help: "T, posterior samples per image (best-of-many for bms, bms-vae).") var samples: Int?


    @OptionGroup var adversarial: AdversarialCommandOptions
    @OptionGroup var common: RunCommandOptions


    func run() throws {
        let runConfig = try common.resolve(ImageRunConfig(), flags: [
            ("method", method), ("spectral_norm", spectralNorm ? true : nil), ("data", data),
            ("classifier", classifier), ("width_multiplier", widthMultiplier), ("hybrid", hybrid), ("samples", samples),
        ] + adversarial.flags)
        try executeRun(ImageRun.self, config: runConfig, options: common)
    }
}
