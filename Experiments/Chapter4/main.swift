import ArgumentParser
import ExperimentRuns
import Foundation
import ImageExperiments
import MixtureExperiments
import TensorCore
import Training

/// `make chapter4`: the experiments of chapter 4 (§4.5; spec §3.2–3.8) — the 2D part
/// (MixturePart.swift: the batch-smoothing table, Figs. 4.3 and 4.2) in results/chapter4/ and
/// the image part (ImagePart.swift: the image table, Fig. 4.6, sample grids) in
/// results/chapter4/images/.
///
/// Each run lives in <output>/runs/<name>/ (images: <output>/images/runs/<name>/) and is trained
/// by a `mixedbatch` worker; finished runs are kept and unfinished ones resume from their
/// checkpoints, so an interrupted invocation continues where it stopped.
struct Chapter4: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Chapter4", abstract: "Chapter 4's experiments: mixed batches on 2D mixtures and on images.")

    @Option(help: "default, thesis or smoke.")
    var scale = ProcessInfo.processInfo.environment["SCALE"] ?? "default"

    @Option(help: "all, 2d or images.")
    var part = "all"

    @Option(help: "The output folder.")
    var output = "results/chapter4"

    @OptionGroup var execution: ExecutionOptions

    /// The grids' executor (`--jobs`, `--executor`, `--slurm-config`).
    func runExecutor() throws -> RunExecutor { try execution.makeExecutor() }

    @Option(help: "The image part on this HDF5 dataset instead of the scale's.")
    var data = ProcessInfo.processInfo.environment["DATA"] ?? ""

    @Option(help: ArgumentHelp("Only these seeds, e.g. 0 or 0,1 (default: the scale's).", valueName: "list"))
    var seeds: String?

    @Flag(help: "Train the image part's glyph classifier anew instead of copying Experiments/Chapter4/glyph-classifier.h5.")
    var trainClassifier = false

    func validate() throws {
        guard ["all", "2d", "images"].contains(part) else { throw ValidationError("--part must be all, 2d or images, not '\(part)'") }
    }

    func run() throws {
        var mixtureScale: Chapter4Scale
        var imageScale: Chapter4ImageScale
        do {
            mixtureScale = try Chapter4Scale.named(scale)
            imageScale = try Chapter4ImageScale.named(scale)
        } catch { throw fail("\(error)") }
        if !data.isEmpty { imageScale.data = data }
        if let seeds {
            guard let list = ChapterDriver.seeds(seeds) else { throw fail("--seeds must list integers, e.g. 0,1") }
            mixtureScale.seeds = list
            imageScale.seeds = list
        }
        let worker: URL
        do { worker = try ChapterDriver.worker(makeTarget: "chapter4") } catch { throw fail("\(error)") }
        var failures: [String] = []
        do {
            if part != "images" {
                failures += try runMixturePart(scale: mixtureScale, output: output, worker: worker, executor: runExecutor())
            }
            if part != "2d" {
                failures += try runImagePart(scale: imageScale, output: output + "/images", worker: worker, executor: runExecutor(),
                                         trainClassifier: trainClassifier)
            }
        } catch { throw fail("\(error)") }
        if ChapterDriver.reportFailures(failures) { throw ExitCode(1) }
    }

    /// Writes `error: message` and ends the command with status 2.
    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

OpenBLASKernels.reexecWithFastKernelsIfNeeded()
Chapter4.main()
