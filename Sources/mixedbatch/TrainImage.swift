import ArgumentParser
import ExperimentRuns
import Foundation
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
        Thesis scale (CIFAR-10): mixedbatch data convert --format cifar10 --input cifar-10-batches-bin \\
          --output data/cifar10-train.h5; then train-image --data data/cifar10-train.h5 --iterations 200000.
        """)

    @Option(help: "gan, gan-gp, wgan-gp, minibatch-discrimination, bgan or mbgan.")
    var method: String?

    @Flag(name: .customLong("spectral-norm"), help: "GAN, GAN-GP, WGAN-GP: spectrally normalise the discriminator.")
    var spectralNorm = false

    @Option(help: "The HDF5 image dataset to train on.")
    var data: String?

    @Option(help: "A glyph-classifier checkpoint for the feature metrics (procedural glyphs only).")
    var classifier: String?

    @Option(help: "Batch smoothing γ in [0, 0.5] (0: pure batches).")
    var gamma: Float?

    @Option(name: .customLong("width-multiplier"), help: "Channel counts relative to the full-width networks.")
    var widthMultiplier: Double?


    @OptionGroup var common: RunCommandOptions


    func run() throws {
        let runConfig = try common.resolve(ImageRunConfig(), flags: [
            ("method", method), ("spectral_norm", spectralNorm ? true : nil), ("data", data),
            ("classifier", classifier), ("gamma", gamma.map { Double($0) }), ("width_multiplier", widthMultiplier),
        ])
        let folder = common.folder(for: runConfig.runName)
        try executeRun(name: runConfig.runName, iterations: runConfig.iterations, quiet: common.quiet) { onIteration in
            let result = try ImageRun(config: runConfig, folder: folder).execute(resume: common.resume,
                                                                                  onIteration: onIteration)
            return (summary(result, folder: folder), result.status == .diverged ? result.message ?? "the run diverged" : nil)
        }
    }

    func summary(_ result: ImageRunResult, folder: String) -> [String: JSONValue] {
        let metrics = result.metrics
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return [
            "name": .string(result.name), "status": .string(result.status.rawValue), "output": .string(folder),
            "variant": .string(result.config.variantLabel), "iterations": .number(Double(result.iterations)),
            "modes": number(metrics.modes.map(Double.init)), "reverse_kl": number(metrics.reverseKL),
            "fid": number(metrics.fid), "kid": number(metrics.kid), "precision": number(metrics.precision),
            "recall": number(metrics.recall), "inception_score": number(metrics.inceptionScore),
            "spectral_distance": .number(metrics.spectralDistance),
            "seconds": .number(result.seconds), "seconds_per_iteration": .number(result.secondsPerIteration),
        ]
    }
}
