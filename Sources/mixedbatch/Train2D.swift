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

    @Option(help: "A JSON file of settings (snake_case keys, e.g. {\"method\": \"mbgan\", \"gamma\": 0.5}).")
    var config: String?

    @Option(help: "gan, mixup, bgan, mbgan, minibatch-discrimination, minibatch-stddev, pacgan or wgan-gp.")
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

    @Option(name: .customLong("batch-size")) var batchSize: Int?
    @Option(help: "Units per hidden layer.") var width: Int?
    @Option(help: "Hidden layers per network.") var depth: Int?
    @Option(name: .customLong("n-disc"), help: "Discriminator steps per generator step.") var nDisc: Int?
    @Option(help: "Generator updates.") var iterations: Int?
    @Option var seed: UInt64?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Any other setting as key=value (JSON value), e.g. --set mixup_alpha=0.5.",
                               valueName: "key=value"))
    var settings: [String] = []

    @Option(help: "The run's folder (default: results/runs/<run name>).")
    var output: String?

    @Flag(help: "Continue an unfinished run in --output from its checkpoint, or report a finished one.")
    var resume = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        let runConfig: MixtureRunConfig
        do {
            runConfig = try resolvedConfig()
            try runConfig.validate()
        } catch let error as ConfigError {
            printError(error.message)
            throw ExitCode(2)
        }
        let folder = output ?? "results/runs/\(runConfig.runName)"
        let progress = quiet ? nil : ProgressBar(total: runConfig.iterations, label: runConfig.runName)
        let run = MixtureRun(config: runConfig, folder: folder)
        let result: MixtureRunResult
        do {
            result = try run.execute(resume: resume) { iteration in
                if let progress, iteration > progress.completed { progress.advance(by: iteration - progress.completed) }
            }
        } catch let error as ConfigError {
            printError(error.message)
            throw ExitCode(2)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        progress?.finish()
        print(try summary(result, folder: folder))
        if result.status == .diverged {
            printError(result.message ?? "the run diverged")
            throw ExitCode(3)
        }
    }

    /// Defaults, then the config file, then the flags.
    func resolvedConfig() throws -> MixtureRunConfig {
        var resolved = MixtureRunConfig()
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw ConfigError("cannot read the config file \(config); check the path")
            }
            resolved = try MixtureRunConfig.decode(data, over: resolved, source: config)
        }
        var overrides: [String: Any] = [:]
        let flags: [(String, Any?)] = [
            ("method", method), ("dataset", dataset), ("gamma", gamma.map { Double($0) }), ("prior", prior),
            ("beta_a", betaA.map { Double($0) }), ("beta_b", betaB.map { Double($0) }),
            ("bgan_aggregation", lossPlacement), ("batch_size", batchSize), ("width", width), ("depth", depth),
            ("n_disc", nDisc), ("iterations", iterations), ("seed", seed),
        ]
        for (key, value) in flags { if let value { overrides[key] = value } }
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else {
                throw ConfigError("--set \(setting): write key=value, e.g. --set mixup_alpha=0.5")
            }
            let key = String(setting[..<equals]), text = String(setting[setting.index(after: equals)...])
            let value = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
            overrides[key] = value
        }
        return try MixtureRunConfig.decode(overrides: overrides, over: resolved, source: "the command line")
    }

    func summary(_ result: MixtureRunResult, folder: String) throws -> String {
        let metrics = result.metrics
        let object: [String: JSONValue] = [
            "name": .string(result.name), "status": .string(result.status.rawValue), "output": .string(folder),
            "method": .string(result.config.method.rawValue), "dataset": .string(result.config.dataset),
            "iterations": .number(Double(result.iterations)),
            "modes": .number(Double(metrics.modes)), "modes_total": .number(Double(metrics.modesTotal)),
            "hq_fraction": .number(metrics.hqFraction),
            "reverse_kl": metrics.reverseKL.map(JSONValue.number) ?? .string("inf"),
            "seconds": .number(result.seconds), "seconds_per_iteration": .number(result.secondsPerIteration),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONValue.object(object)), as: UTF8.self)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}
