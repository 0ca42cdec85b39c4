import ArgumentParser
import ExperimentRuns
import Foundation
import TensorCore

/// `make chapter5`: the experiments of chapter 5 (spec §4–5): the Flow-GAN part
/// (FlowGANPart.swift: Tables 1 and 3, Figs. 1, 2, 4–7 of Flow-GAN's MNIST experiments) in
/// results/chapter5/flowgan/, then the ADE part (ADEPart.swift: the Table 5.1 analogue and the
/// Fig. 5.5 samples) in results/chapter5/ade/.
///
/// Each run lives in <output>/flowgan/runs/<name>/ and is trained by a `mixedbatch` worker;
/// finished runs are kept and unfinished ones resume from their checkpoints, so an interrupted
/// invocation continues where it stopped.
struct Chapter5: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Chapter5", abstract: "Chapter 5's experiments: Flow-GAN and Table 5.1's models on real digits.")

    @Option(help: "default, thesis or smoke.")
    var scale = ProcessInfo.processInfo.environment["SCALE"] ?? "default"

    @Option(help: "all, flowgan or ade.")
    var part = "all"

    @Option(help: "The output folder.")
    var output = "results/chapter5"

    @OptionGroup var execution: ExecutionOptions

    /// The grids' executor (`--jobs`, `--executor`, `--slurm-config`).
    func runExecutor() throws -> RunExecutor { try execution.makeExecutor() }

    @Option(help: ArgumentHelp("Only these seeds, e.g. 0 or 0,1 (default: the scale's).", valueName: "list"))
    var seeds: String?

    func validate() throws {
        guard ["all", "flowgan", "ade"].contains(part) else { throw ValidationError("--part must be all, flowgan or ade, not '\(part)'") }
    }

    func run() throws {
        var chosen: Chapter5Scale
        do { chosen = try Chapter5Scale.named(scale) } catch { throw fail("\(error)") }
        if let seeds {
            guard let list = ChapterDriver.seeds(seeds) else { throw fail("--seeds must list integers, e.g. 0,1") }
            chosen.seeds = list
        }
        let worker: URL
        do { worker = try ChapterDriver.worker(makeTarget: "chapter5") } catch { throw fail("\(error)") }
        var failures: [String] = []
        do {
            let executor = try runExecutor()
            if part != "ade" { failures += try runFlowGANPart(scale: chosen, output: output + "/flowgan", worker: worker, executor: executor) }
            if part != "flowgan" { failures += try runADEPart(scale: chosen, output: output + "/ade", worker: worker, executor: executor) }
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
Chapter5.main()
