import ArgumentParser
import Datasets
import DensityExperiments
import ExperimentRuns
import Foundation
import HDF5IO
import NeuralNet
import Reporting
import TensorCore
import Training

/// `mixedbatch train-density`: one flow, VAE, PixelCNN++ or AGAVE trained by likelihood on an
/// HDF5 image dataset; prints a JSON summary (train and test NLL / BPD, seconds per iteration).
struct TrainDensity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-density",
        abstract: "Train a flow (NICE, Real-NVP), a VAE (dense, top-down hierarchical), a PixelCNN++ or AGAVE by likelihood on an HDF5 image dataset.",
        discussion: """
        Settings come from the defaults, then --config, then the flags and --set (every key of the \
        density settings, e.g. --set residual_blocks=4 --set free_bits=0.5). BPD are discrete-data \
        values: exact for flows and PixelCNN++, the IWAE-k bound for VAEs and AGAVE (whose result \
        also splits the bound into KL, PixelCNN and VAE reconstruction bits per dimension; \
        --set auxiliary_downsampling=2 makes its auxiliary image the 2×2 block means, Fig. 3.9). \
        Exit status: 0 trained, 3 the loss diverged (the summary says where), 2 bad input.
        Example (MNIST-5k, offline):
          mixedbatch data mnist5k
          mixedbatch train-density --model realnvp --data data/mnist5k-train.h5 --test-data data/mnist5k-test.h5 \\
            --iterations 2000 --output results/runs/realnvp-demo
          mixedbatch train-density --model agave --set kl_weight=8 --set auxiliary_levels=32 --optimizer adamax \
            --learning-rate 0.002 --iterations 500 --output results/runs/agave-demo
        """)

    @Option(help: ArgumentHelp(DensityModelKind.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var model: String?

    @Option(help: "The HDF5 image dataset to train on (8-bit).")
    var data: String?

    @Option(name: .customLong("test-data"), help: "Held-out images for the final NLL / BPD.")
    var testData: String?

    @Option(help: "VAEs: discretized-logistic or gaussian.")
    var observation: String?

    @Option(name: .customLong("learning-rate")) var learningRate: Double?

    @OptionGroup var common: RunCommandOptions

    func run() throws {
        let config = try common.resolve(DensityRunConfig(), flags: [
            ("model", model), ("data", data), ("test_data", testData), ("observation", observation),
            ("learning_rate", learningRate),
        ])
        try executeRun(DensityRun.self, config: config, options: common)
    }
}

/// `mixedbatch evaluate-density`: a trained density run's NLL / BPD on any 8-bit HDF5 image
/// dataset, and optionally each image's log-likelihood written to an HDF5 file.
struct EvaluateDensity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-density",
        abstract: "Evaluate a trained density run on an HDF5 image dataset: NLL and BPD, per-image log-likelihoods.",
        discussion: """
        Reads the run's config and checkpoint from its folder. Prints a JSON summary; with --output, writes \
        log_likelihood (nats, discrete data) and bits_per_dimension, float64 [N], to a new HDF5 file, for h5py.
        Example: mixedbatch evaluate-density --run results/runs/realnvp-demo --data data/mnist5k-test.h5 \\
          --output results/realnvp-test-loglik.h5
        """)

    @Option(name: .customLong("run"), help: "The run's folder (holds checkpoint.h5).")
    var runFolder: String

    @Option(help: "The images to evaluate (default: the run's test_data).")
    var data: String?

    @Option(name: .customLong("importance-samples"), help: "VAEs: k of the IWAE bound (default: the run's).")
    var importanceSamples: Int?

    @Option(help: "Evaluate at most this many images.")
    var rows: Int?

    @Option(help: "A new HDF5 file for the per-image values (never overwritten).")
    var output: String?

    func run() throws {
        let checkpoint = runFolder + "/checkpoint.h5"
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            throw ConfigError("\(runFolder) holds no checkpoint.h5; train it first with `mixedbatch train-density --output \(runFolder)`")
        }
        if let output, FileManager.default.fileExists(atPath: output) {
            throw ConfigError("\(output) exists; choose a new file (evaluations never overwrite)")
        }
        // Over the defaults: a run written before a setting existed reads with its default.
        guard let configText = try Checkpoint.inspect(checkpoint).metadata["config"],
              let config = try? DensityRunConfig.decode(Data(configText.utf8), over: DensityRunConfig(), source: checkpoint) else {
            throw ConfigError("\(checkpoint) was not written by a density run (its metadata has no density config)")
        }
        guard let path = data ?? config.density.testData else {
            throw ConfigError("the run has no test_data; name the images with --data")
        }
        let dataset = try DensityRun.readImages(path)
        let (model, procedure) = try DensityRun(config: config, folder: runFolder).makeProcedure(for: dataset)
        try procedure.restoreCheckpoint(from: checkpoint)
        let k = importanceSamples ?? config.density.evaluationImportanceSamples
        try requireSetting(k >= 1 && (rows ?? 1) >= 1, "--importance-samples and --rows must be ≥ 1")
        let evaluator = DensityEvaluator(model: model, importanceSamples: k)
        let (values, elbos) = try evaluator.logLikelihoods(of: dataset, rows: rows)
        let summary = try evaluator.summary(logLikelihoods: values, elbos: elbos)
        if let output {
            let perDimension = 1 / (Double(model.dimensions) * log(2))
            try HDF5File.writeAtomically(to: output, overwrite: false) { file in
                _ = try file.write(values, shape: [values.count], to: "log_likelihood")
                _ = try file.write(values.map { -$0 * perDimension }, shape: [values.count], to: "bits_per_dimension")
                try file.attributes.set("run", runFolder)
                try file.attributes.set("data", path)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    }
}
