import ArgumentParser
import Datasets
import Evaluation
import ExperimentRuns
import Foundation
import Reporting
import TensorCore
import Training

/// The options every `train…` command shares: the config file, `--set`, the common training
/// flags, the output folder, `--resume` and `--quiet`.
struct RunCommandOptions: ParsableArguments {
    @Option(help: "A JSON file of settings (snake_case keys, e.g. {\"method\": \"mbgan\", \"gamma\": 0.5}).")
    var config: String?

    @Option(name: .customLong("batch-size")) var batchSize: Int?
    @Option(help: "Generator updates.") var iterations: Int?
    @Option var seed: UInt64?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Any other setting as key=value (JSON value), e.g. --set gamma=0.5.", valueName: "key=value"))
    var settings: [String] = []

    @Option(help: "The run's folder (default: results/runs/<run name>-<hash of every setting>).")
    var output: String?

    @Flag(help: "Continue an unfinished run in --output from its checkpoint, or report a finished one.")
    var resume = false

    @Option(name: .customLong("allow-change"), parsing: .singleValue,
            help: ArgumentHelp("With --resume: continue from the checkpoint although this setting changed (e.g. a smaller "
                               + "learning_rate after a divergence, more iterations); recorded in the manifest. Repeatable.",
                               valueName: "key"))
    var allowedChanges: [String] = []

    @Flag(name: .customLong("allow-other-data"),
          help: "With --resume: continue although a data file's contents differ from those the checkpoint was trained on.")
    var allowOtherData = false

    @Flag(help: "No progress bar.")
    var quiet = false

    /// The config: `defaults`, then `--config`, then the command's own `flags` and the
    /// common ones, then `--set`; validated (a `ConfigError` exits with status 2).
    func resolve<Config: RunConfiguration>(_ defaults: Config, flags: [(String, Any?)]) throws -> Config {
        let resolved = try resolveConfig(defaults: defaults, file: config, settings: settings, flags: flags + [
            ("batch_size", batchSize), ("iterations", iterations), ("seed", seed),
        ])
        try resolved.validate()
        return resolved
    }

    /// `--output`, or `results/runs/<run name>-<config hash>`: two runs that differ in any
    /// setting never share a default folder.
    func folder<Config: RunConfiguration>(for config: Config) throws -> String {
        try output ?? "results/runs/\(config.runName)-\(config.contentHash.prefix(8))"
    }

    /// `--resume`, `--allow-change` and `--allow-other-data`.
    var resumePolicy: ResumePolicy {
        ResumePolicy(resume: resume, allowedChanges: Set(allowedChanges), allowOtherData: allowOtherData)
    }
}

/// The options of every command that trains a GAN: n_disc and the mixing prior.
struct AdversarialCommandOptions: ParsableArguments {
    @Option(name: .customLong("n-disc"), help: "Discriminator steps per generator step.") var nDisc: Int?
    @Option(help: "Batch smoothing γ in [0, 0.5] (0: pure batches).") var gamma: Float?
    @Option(help: "Mixing prior: smoothing or beta.") var prior: String?
    @Option(name: .customLong("beta-a"), help: "a of the Beta(a, b) prior.") var betaA: Float?
    @Option(name: .customLong("beta-b"), help: "b of the Beta(a, b) prior.") var betaB: Float?

    /// The flags that were given, by config key.
    var flags: [(String, Any?)] {
        [("n_disc", nDisc), ("gamma", gamma.map { Double($0) }), ("prior", prior), ("beta_a", betaA.map { Double($0) }),
         ("beta_b", betaB.map { Double($0) })]
    }
}

/// A run's settings from three layers: `defaults`, then the JSON config `file` (if any), then
/// the command line — the typed `flags` that were given and `--set key=value` `settings`
/// (values parsed as JSON, else taken as strings). Unknown keys and bad values are
/// `ConfigError`s that name the key.
func resolveConfig<Config: StrictlyDecodableConfig>(defaults: Config, file: String?, settings: [String],
                                                     flags: [(String, Any?)]) throws -> Config {
    var resolved = defaults
    if let file {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError("cannot read the config file \(file); check the path")
        }
        resolved = try Config.decode(data, over: resolved, source: file)
    }
    var overrides: [String: Any] = [:]
    for (key, value) in flags {
        guard let value else { continue }
        if let number = (value as? Double) ?? (value as? Float).map(Double.init), !number.isFinite {
            throw ConfigError("--\(key.replacingOccurrences(of: "_", with: "-")) \(number): must be a finite number")
        }
        overrides[key] = value
    }
    for setting in settings {
        guard let equals = setting.firstIndex(of: "=") else {
            throw ConfigError("--set \(setting): write key=value, e.g. --set gamma=0.5")
        }
        let key = String(setting[..<equals]), text = String(setting[setting.index(after: equals)...])
        overrides[key] = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
    }
    return try Config.decode(overrides: overrides, over: resolved, source: "the command line")
}

/// Writes `error: message` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Runs one training run of any family the way every `train…` command does: a progress
/// bar unless `--quiet`, the JSON summary on standard output, and the exit status — 0
/// trained, 3 the loss diverged (the summary and message say where); errors propagate to
/// `ExitStatus` (2 bad input, 1 anything else).
func executeRun<Run: ExperimentRun>(_ run: Run.Type, config: Run.Config, options: RunCommandOptions) throws {
    let folder = try options.folder(for: config)
    // In a data-parallel job rank 0 reports; the others train silently.
    let reports = DataParallel.world.isWriter
    let progress = options.quiet || !reports ? nil : ProgressBar(total: config.schedule.iterations, label: config.runName)
    let result = try Run(config: config, folder: folder).execute(resume: options.resumePolicy) { iteration in
        if let progress, iteration > progress.completed { progress.advance(by: iteration - progress.completed) }
    }
    progress?.finish()
    guard reports else {
        if result.status == .diverged { throw ExitCode(ExitStatus.diverged) }
        return
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(JSONValue.object(result.summary(folder: folder))), as: UTF8.self))
    if result.status == .diverged {
        printError(result.message ?? "the run diverged")
        throw ExitCode(ExitStatus.diverged)
    }
}
