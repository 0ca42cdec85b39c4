import Foundation
import Adversarial
import MixtureExperiments
import Reporting
import TensorCore

// `make chapter4`: the 2D experiments of chapter 4 (§4.5.1; spec §3.2–3.8) — every method of the
// batch-smoothing table on every dataset and seed, then the table (CSV + Markdown), the Fig. 4.3
// and Fig. 4.2 analogues and a manifest, in results/chapter4/.
//
//   Chapter4 [--scale default|thesis|smoke] [--output results/chapter4] [--jobs 2]
//
// Each run lives in results/chapter4/runs/<name>/ and is trained by a `mixedbatch train2d`
// worker; finished runs are kept and unfinished ones resume from their checkpoints, so an
// interrupted invocation continues where it stopped.

OpenBLASKernels.reexecWithFastKernelsIfNeeded()

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: String) -> String {
    guard let index = arguments.firstIndex(of: name) else { return value }
    guard index + 1 < arguments.count else { fail("\(name) needs a value") }
    let found = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
    return found
}
let scaleName = option("--scale", default: ProcessInfo.processInfo.environment["SCALE"] ?? "default")
let output = option("--output", default: "results/chapter4")
guard let jobs = Int(option("--jobs", default: "2")), jobs >= 1 else { fail("--jobs must be a positive integer") }
guard arguments.isEmpty else { fail("unknown arguments \(arguments); use --scale, --output and --jobs") }

let scale: Chapter4Scale
do { scale = try Chapter4Scale.named(scaleName) } catch { fail("\(error)") }
let executableFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
let worker = executableFolder.appendingPathComponent("mixedbatch")
guard FileManager.default.isExecutableFile(atPath: worker.path) else {
    fail("the worker \(worker.path) is missing; build it with `make chapter4` (or swift build --product mixedbatch)")
}

let start = Date()
let configs = chapter4Runs(scale: scale)
// Minibatch discrimination costs O(B²) per step, several times the others: start those runs
// first so that no worker is left alone with one at the end.
let schedule = configs.filter { $0.method == .minibatchDiscrimination } + configs.filter { $0.method != .minibatchDiscrimination }
let runsFolder = output + "/runs"
var folders: [String] = []
var results: [MixtureRunResult] = []
do {
    try FileManager.default.createDirectory(atPath: runsFolder, withIntermediateDirectories: true)
    for config in schedule {
        let folder = runsFolder + "/" + config.runName
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let configPath = folder + "/config.json"
        let text = try config.jsonText()
        if let existing = FileManager.default.contents(atPath: configPath), String(decoding: existing, as: UTF8.self) != text {
            fail("\(configPath) belongs to a run with other settings (another scale?); use --output elsewhere, "
                 + "or delete \(output) to start over")
        }
        try AtomicFile.write(text, to: configPath, existing: .overwrite)
        if FileManager.default.fileExists(atPath: folder + "/result.json") {
            results.append(try MixtureRunResult.read(from: folder + "/result.json"))
        } else {
            folders.append(folder)
        }
    }
} catch { fail("\(error)") }

print("chapter 4 (2D), scale \(scale.name): \(configs.count) runs, \(results.count) already done, \(folders.count) to train "
      + "with \(jobs) worker(s); runs in \(runsFolder)")
fflush(stdout)
let progress = ProgressBar(total: folders.count, label: "chapter4 runs")
var failures: [String] = []
do {
    _ = try RunScheduler(executable: worker, jobs: jobs).run(folders: folders) { folder, outcome in
        progress.advance()
        switch outcome {
        case .completed, .diverged:
            do { results.append(try MixtureRunResult.read(from: folder + "/result.json")) } catch {
                failures.append("\(folder): \(error)")
            }
        case let .failed(status):
            failures.append("\(folder) exited with status \(status); see \(folder)/worker.log")
        }
    }
} catch { fail("cannot start the workers: \(error)") }
progress.finish()

let order = Dictionary(uniqueKeysWithValues: configs.enumerated().map { ($1.runName, $0) })
results.sort { order[$0.name, default: 0] < order[$1.name, default: 0] }
do {
    try MixtureReport.runTable(results).writeCSV(to: output + "/mode_coverage.csv", existing: .overwrite)
    try AtomicFile.write(MixtureReport.batchSmoothingMarkdown(results, variants: MethodVariant.chapter4Table,
                                                              datasets: scale.datasets, scale: scale.name),
                         to: output + "/mode_coverage.md", existing: .overwrite)
    try MixtureFigures.scatterGrid(results, variants: MethodVariant.figure4_3, datasets: scale.datasets)
        .savePNG(to: output + "/fig4_3_scatter.png", existing: .overwrite)
    try MixtureFigures.lossCurves(results, gammas: MethodVariant.figure4_2Gammas, datasets: scale.datasets)
        .savePNG(to: output + "/fig4_2_losses.png", existing: .overwrite)
    var manifest = RunManifest.start(
        name: "chapter4-2d-\(scale.name)", seed: 0,
        config: ["scale": .string(scale.name), "width": .number(Double(scale.width)), "depth": .number(Double(scale.depth)),
                 "iterations": .number(Double(scale.iterations)), "seeds": .array(scale.seeds.map { .number(Double($0)) }),
                 "datasets": .array(scale.datasets.map(JSONValue.string)), "jobs": .number(Double(jobs)),
                 "runs": .array(results.map { result in
                     .object(["name": .string(result.name), "folder": .string("runs/\(result.name)"),
                              "seed": .number(Double(result.config.seed)), "status": .string(result.status.rawValue),
                              "seconds": .number(result.seconds), "manifest": .string("runs/\(result.name)/manifest.json")])
                 })],
        evaluationProtocol: ["generated_samples": 2500, "high_quality_radius": "3 sigma",
                             "mode_covered": "nearest mode of at least one high-quality sample"],
        now: start)
    manifest.finish()
    try manifest.write(to: output + "/manifest.json", existing: .overwrite)
} catch { fail("cannot write the report: \(error)") }

print("wrote \(output)/mode_coverage.csv, mode_coverage.md, fig4_3_scatter.png, fig4_2_losses.png, manifest.json "
      + "(\(results.count) runs, \(String(format: "%.0f", Date().timeIntervalSince(start))) s)")
if !failures.isEmpty {
    FileHandle.standardError.write(Data(("\(failures.count) run(s) failed:\n" + failures.joined(separator: "\n") + "\n").utf8))
    exit(1)
}
