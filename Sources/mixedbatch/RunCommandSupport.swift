import ArgumentParser
import ExperimentRuns
import Foundation
import Reporting

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
    for (key, value) in flags { if let value { overrides[key] = value } }
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

/// Runs one training run the way every `train…` command does: a progress bar unless `quiet`,
/// the JSON summary on standard output, and the exit status — 0 trained, 3 the loss diverged
/// (the summary and message say where), 2 bad input (a `ConfigError`), 1 anything else.
/// `execute` trains, reporting iterations done, and returns the summary and any divergence.
func executeRun(name: String, iterations: Int, quiet: Bool,
                _ execute: (_ onIteration: @escaping (Int) -> Void) throws -> (summary: [String: JSONValue], divergence: String?))
    throws {
    let progress = quiet ? nil : ProgressBar(total: iterations, label: name)
    let outcome: (summary: [String: JSONValue], divergence: String?)
    do {
        outcome = try execute { iteration in
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(JSONValue.object(outcome.summary)), as: UTF8.self))
    if let divergence = outcome.divergence {
        printError(divergence)
        throw ExitCode(3)
    }
}

/// Resolves and validates a config, turning a `ConfigError` into its message and exit status 2.
func validatedConfig<Config: RunConfiguration>(_ resolve: () throws -> Config) throws -> Config {
    do {
        let config = try resolve()
        try config.validate()
        return config
    } catch let error as ConfigError {
        printError(error.message)
        throw ExitCode(2)
    }
}
