import ExperimentRuns
import Foundation
import ImageExperiments
import MixtureExperiments
import TensorCore

// `make chapter4`: the experiments of chapter 4 (§4.5; spec §3.2–3.8) — the 2D part
// (MixturePart.swift: the batch-smoothing table, Figs. 4.3 and 4.2) in results/chapter4/ and
// the image part (ImagePart.swift: the image table, Fig. 4.6, sample grids) in
// results/chapter4/images/.
//
//   Chapter4 [--scale default|thesis|smoke] [--part all|2d|images] [--output results/chapter4] [--jobs 2]
//            [--data images.h5]   (the image part on this HDF5 dataset instead of the scale's)
//
// Each run lives in <output>/runs/<name>/ (images: <output>/images/runs/<name>/) and is trained
// by a `mixedbatch` worker; finished runs are kept and unfinished ones resume from their
// checkpoints, so an interrupted invocation continues where it stopped.

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
let part = option("--part", default: "all")
let output = option("--output", default: "results/chapter4")
let data = option("--data", default: ProcessInfo.processInfo.environment["DATA"] ?? "")
guard let jobs = Int(option("--jobs", default: "2")), jobs >= 1 else { fail("--jobs must be a positive integer") }
guard arguments.isEmpty else { fail("unknown arguments \(arguments); use --scale, --part, --output, --jobs and --data") }
guard ["all", "2d", "images"].contains(part) else { fail("--part must be all, 2d or images, not '\(part)'") }

let mixtureScale: Chapter4Scale
var imageScale: Chapter4ImageScale
do {
    mixtureScale = try Chapter4Scale.named(scaleName)
    imageScale = try Chapter4ImageScale.named(scaleName)
} catch { fail("\(error)") }
if !data.isEmpty { imageScale.data = data }
let executableFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
let worker = executableFolder.appendingPathComponent("mixedbatch")
guard FileManager.default.isExecutableFile(atPath: worker.path) else {
    fail("the worker \(worker.path) is missing; build it with `make chapter4` (or swift build --product mixedbatch)")
}

var failures: [String] = []
do {
    if part != "images" {
        failures += try runMixturePart(scale: mixtureScale, output: output, worker: worker, jobs: jobs)
    }
    if part != "2d" {
        failures += try runImagePart(scale: imageScale, output: output + "/images", worker: worker, jobs: jobs)
    }
} catch { fail("\(error)") }
if !failures.isEmpty {
    FileHandle.standardError.write(Data(("\(failures.count) run(s) failed:\n" + failures.joined(separator: "\n") + "\n").utf8))
    exit(1)
}
