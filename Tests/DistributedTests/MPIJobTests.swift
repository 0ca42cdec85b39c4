import Adversarial
import Foundation
import MixtureExperiments
import TensorCore
import Testing
import Training

/// `mpirun -np 2 mixedbatch train2d …` against one process: the same model, and checkpoints
/// that move between job sizes. Needs OpenMPI's `mpirun` (make setup installs it) and the
/// built `mixedbatch` beside the test bundle.
@Suite(.enabled(if: MPIJob.isAvailable, "needs OpenMPI's mpirun and the built mixedbatch executable"))
struct MPIJobTests {
    static let settings = ["--method", "bgan", "--batch-size", "64", "--width", "32", "--depth", "2", "--seed", "3",
                           "--set", "checkpoint_every=10", "--quiet"]

    /// The parameters of every player in a train2d checkpoint, by player and path.
    static func parameters(inCheckpointOf folder: String) throws -> [String: [Float]] {
        var config = MixtureRunConfig()
        config.method = .bgan
        config.batchSize = 64
        config.width = 32
        config.depth = 2
        let (generator, discriminator) = try MixtureRun.makeNetworks(config)
        let procedure = try config.makeProcedure(generator: generator, discriminator: discriminator,
                                                 group: SingleProcess.shared) { _, _ in throw TrainingError.missingState("no data") }
        _ = try procedure.restoreCheckpoint(from: folder + "/checkpoint.h5")
        var values: [String: [Float]] = [:]
        for player in procedure.players {
            for (path, parameter) in player.parameters { values[player.name + "/" + path] = parameter.tensor.scalars }
        }
        return values
    }

    static func expectClose(_ a: [String: [Float]], _ b: [String: [Float]], _ what: Comment) {
        #expect(Set(a.keys) == Set(b.keys))
        let worst = largestDifference(a, b)
        #expect(worst.difference < 1e-4, "\(what): largest relative difference \(worst.difference) at \(worst.path)")
    }

    @Test func twoProcessesTrainTheSingleProcessModel() throws {
        let folder = try MPIJob.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let one = try MPIJob.run(processes: 1, ["train2d"] + Self.settings + ["--iterations", "30", "--output", folder + "/one"])
        let two = try MPIJob.run(processes: 2, ["train2d"] + Self.settings + ["--iterations", "30", "--output", folder + "/two"])
        #expect(one.status == 0 && two.status == 0, "\(one.errors) \(two.errors)")
        // Rank 0 alone reports: one summary, the same mode coverage.
        #expect(two.output.components(separatedBy: "\"modes\"").count == 2)
        for key in ["\"modes\"", "\"modes_total\"", "\"status\""] {
            #expect(MPIJob.line(key, in: one.output) == MPIJob.line(key, in: two.output))
        }
        Self.expectClose(try Self.parameters(inCheckpointOf: folder + "/one"), try Self.parameters(inCheckpointOf: folder + "/two"),
                         "1 vs 2 processes after 30 iterations")
    }

    /// A run checkpointed by 2 processes continues in 1, and one checkpointed by 1 in 2; both
    /// end where an uninterrupted run ends.
    @Test func checkpointsMoveBetweenJobSizes() throws {
        let folder = try MPIJob.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let whole = try MPIJob.run(processes: 1, ["train2d"] + Self.settings + ["--iterations", "30", "--output", folder + "/whole"])
        #expect(whole.status == 0, "\(whole.errors)")
        let reference = try Self.parameters(inCheckpointOf: folder + "/whole")
        for (first, second) in [(2, 1), (1, 2)] {
            let run = folder + "/from\(first)to\(second)"
            let start = try MPIJob.run(processes: first, ["train2d"] + Self.settings + ["--iterations", "20", "--output", run])
            let resumed = try MPIJob.run(processes: second, ["train2d"] + Self.settings + [
                "--iterations", "30", "--output", run, "--resume", "--allow-change", "iterations",
            ])
            #expect(start.status == 0 && resumed.status == 0, "\(start.errors) \(resumed.errors)")
            Self.expectClose(reference, try Self.parameters(inCheckpointOf: run), "\(first) then \(second) processes")
        }
    }

    /// A batch that does not split over the processes stops every rank with status 2 and the fix.
    @Test func unevenBatchStopsTheJob() throws {
        let folder = try MPIJob.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let job = try MPIJob.run(processes: 2, ["train2d", "--batch-size", "63", "--iterations", "2", "--quiet",
                                                "--output", folder + "/run"])
        #expect(job.status == 2, "status \(job.status): \(job.errors)")
        #expect(job.errors.contains("does not split over 2 processes"))
    }

    /// Commands that do not train data-parallel refuse to run as a job instead of repeating the work.
    @Test func singleProcessCommandsRefuseAJob() throws {
        let job = try MPIJob.run(processes: 2, ["evaluate", "--help"])
        let refused = try MPIJob.run(processes: 2, ["data", "digits", "--output", "/nonexistent/x.h5"])
        #expect(job.status == 0)
        #expect(refused.status == 2 && refused.errors.contains("runs as one process"), "\(refused.errors)")
    }
}

/// Starting `mixedbatch` under `mpirun` from a test.
enum MPIJob {
    static let mpirun = "/usr/bin/mpirun"

    /// `mixedbatch`, built beside the test bundle.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mixedbatch").path
    }

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: mpirun) && FileManager.default.isExecutableFile(atPath: executable)
    }

    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `mixedbatch arguments` as a job of `processes` ranks (one thread each).
    static func run(processes: Int, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        // As root (containers, CI) OpenMPI wants to be told; --oversubscribe lets 2 ranks run on 1 core.
        process.arguments = ["-np", "\(processes)", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                             "-x", "OPENBLAS_NUM_THREADS=1", "-x", "OMP_NUM_THREADS=1", executable] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                       errors: String(decoding: errorData, as: UTF8.self))
    }

    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "mpi-job-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The line of `text` that holds `key`.
    static func line(_ key: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.contains(key) }.map(String.init)
    }
}
