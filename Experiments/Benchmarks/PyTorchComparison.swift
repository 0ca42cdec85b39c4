import Foundation

/// Times our steps beside PyTorch's on the same machine, alternating the two `rounds` times
/// (ours in this process, then the reference script's case in a fresh Python process), and
/// prints min / median / max of each and the ratio ours / PyTorch per round.
///
/// The reference scripts live in `Experiments/Benchmarks/` (run from the repository root);
/// the interpreter is `MIXEDBATCH_PYTHON` (default `python3`). Without torch the comparison
/// is skipped with a note.
enum PyTorchComparison {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The part of a case's result line (`reference_timing.run_cases --json`) the table uses.
    private struct ReferenceResult: Decodable {
        var ms: Double
    }

    static var python: String { ProcessInfo.processInfo.environment["MIXEDBATCH_PYTHON"] ?? "python3" }
    static let scriptFolder = "Experiments/Benchmarks"

    /// torch's version under `python`, or nil when it cannot import torch.
    static func torchVersion() -> String? {
        guard let (status, output) = try? runPython(["-c", "import torch; print(torch.__version__)"]), status == 0 else {
            return nil
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func compare(_ steps: [ComparedStep], rounds: Int) throws {
        guard let version = torchVersion() else {
            print("\n(\(python) cannot import torch: no PyTorch comparison. Install torch, or point MIXEDBATCH_PYTHON "
                  + "at an interpreter that has it.)")
            return
        }
        print("\nBeside PyTorch \(version) (\(python), 2 threads), \(rounds) alternating rounds; each time is a median over ≥ 3 s "
              + "(PyTorch) or ≥ 1.5 s (ours); ratio = ours / PyTorch per round.\n")
        print("| step | ours (ms) min / median / max | PyTorch (ms) min / median / max | ratio min / median / max | target |")
        print("|---|---:|---:|---:|---:|")
        var floorRows: [String] = []
        for step in steps {
            var ours: [Double] = [], theirs: [Double] = [], floors: [StepFloor] = []
            for _ in 0..<rounds {
                ours.append(try BenchmarkTable.medianMilliseconds(step.run))
                theirs.append(try reference(step).ms)
                if let floor = try step.floor?() { floors.append(floor) }
            }
            let ratios = zip(ours, theirs).map { $0 / $1 }
            let met = ratios.sorted()[ratios.count / 2] <= step.targetRatio ? "met" : "not met"
            print("| \(step.name) | \(summary(ours, "%.2f")) | \(summary(theirs, "%.2f")) | \(summary(ratios, "%.2f")) "
                  + "| ≤ \(step.targetRatio): \(met) |")
            fflush(stdout)
            if let first = floors.first {
                floorRows.append("| \(step.name) | \(summary(floors.map(\.productsMilliseconds), "%.2f")) "
                                 + "| \(summary(floors.map(\.updatesMilliseconds), "%.2f")) "
                                 + "| \(summary(zip(floors, theirs).map { $0.milliseconds / $1 }, "%.2f")) "
                                 + "| \(first.products), " + String(format: "%.2f GFLOP |", 2 * Double(first.multiplyAdds) / 1e9))
            }
        }
        guard !floorRows.isEmpty else { return }
        print("\nFloors, measured in the same rounds: each step's own products replayed back to back on warm operands "
              + "(ProductTrace) and its optimiser updates alone; a floor / PyTorch above the target means no step on "
              + "these kernels meets it.\n")
        print("| step | products alone (ms) min / median / max | updates alone (ms) min / median / max | floor / PyTorch min / median / max | products |")
        print("|---|---:|---:|---:|---|")
        for row in floorRows { print(row) }
    }

    private static func reference(_ step: ComparedStep) throws -> ReferenceResult {
        let script = "\(scriptFolder)/\(step.script)"
        guard FileManager.default.fileExists(atPath: script) else {
            throw Failure(description: "\(script) not found: run the benchmarks from the repository root")
        }
        let (status, output) = try runPython([script, "--case", step.referenceCase, "--json"])
        guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let result = try? JSONDecoder().decode(ReferenceResult.self, from: Data(line.utf8)) else {
            throw Failure(description: "\(script) --case \(step.referenceCase) failed (exit \(status)): \(output.suffix(500))")
        }
        return result
    }

    private static func summary(_ values: [Double], _ format: String) -> String {
        let sorted = values.sorted()
        return [sorted.first!, sorted[sorted.count / 2], sorted.last!].map { String(format: format, $0) }
            .joined(separator: " / ")
    }

    private static func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
