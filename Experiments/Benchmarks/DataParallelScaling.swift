import Adversarial
import ArgumentParser
import Distributed
import Foundation
import TensorCore
import Training

/// Issue 18's scaling numbers: one SNGAN iteration (a discriminator and a generator step,
/// 32×32, global batch 64, full width) with 1 process × 1 thread, 2 processes × 1 thread
/// (`mpirun -np 2`, the batch split 32 + 32) and 1 process × 2 threads on the same cores, and
/// the time of the all-reduce each step makes, from which the efficiency at more ranks is
/// projected for a cluster's interconnect.
///
/// The parent process starts the three configurations as children (`--data-parallel-worker`);
/// each times its iterations and rank 0 prints one `RESULT` line.
enum DataParallelScaling {
    struct Measurement: Codable {
        var processes: Int
        var threads: Int
        /// Median milliseconds per iteration (discriminator step + generator step).
        var iterationMilliseconds: Double
        /// Median milliseconds of one all-reduce of the discriminator's and of the generator's gradients.
        var allReduceMilliseconds: Double
        /// Floats all-reduced per iteration (|D| + |G| gradients, plus a few metrics).
        var floatsPerIteration: Int
    }

    static let iterations = 6

    /// Runs in each child: trains the SNGAN procedure over `DataParallel.world` and reports.
    static func worker(widthMultiplier: Double) throws {
        let group: any ProcessGroup = try MPIProcessGroup.startIfLaunchedByMPI() ?? SingleProcess.shared
        let shape = try ConvolutionalGANShape(imageSize: 32, widthMultiplier: widthMultiplier)
        var random = RandomStream(seed: 9)
        let generator = try shape.makeGenerator(random: &random)
        let discriminator = try shape.makeDiscriminator(.perSample, random: &random)
        let procedure = try AdversarialTraining.procedure(
            generator: LatentGenerator(network: generator, latentSize: shape.latentSize), discriminator: discriminator,
            objective: AdversarialMethod.gan.makeObjective(), batchSize: 64, discriminatorSteps: 1,
            optimizer: OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999), seed: 9, group: group,
            data: { count, random in try Batch(inputs: random.uniform([count, 3, 32, 32], low: -1, high: 1)) })
        try procedure.trainIteration()  // warm-up (and the replica check)
        var times = [Double]()
        for _ in 0..<iterations {
            try group.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            try procedure.trainIteration()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let sizes = [discriminator, generator].map { module in module.namedParameters.reduce(0) { $0 + $1.parameter.tensor.count } }
        var reduceTimes = [Double]()
        for _ in 0..<iterations {
            var total = 0.0
            for size in sizes {
                var buffer = [Float](repeating: 1, count: size + 1)
                try group.barrier()
                let start = DispatchTime.now().uptimeNanoseconds
                try buffer.withUnsafeMutableBufferPointer { try group.allReduceSum($0) }
                total += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            }
            reduceTimes.append(total)
        }
        guard group.isWriter else { return }
        let threads = Int(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "") ?? 1
        let measurement = Measurement(processes: group.size, threads: threads, iterationMilliseconds: median(times),
                                      allReduceMilliseconds: median(reduceTimes), floatsPerIteration: sizes.reduce(2, +))
        print("RESULT " + String(decoding: try JSONEncoder().encode(measurement), as: UTF8.self))
    }

    /// Runs in the parent: the three configurations, then the table and the projection.
    static func run(widthMultiplier: Double) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).path
        let arguments = [executable, "--only", "data-parallel", "--data-parallel-worker",
                         "--image-width-multiplier", "\(widthMultiplier)"]
        let mpirun = "/usr/bin/mpirun"
        guard FileManager.default.isExecutableFile(atPath: mpirun) else {
            throw ValidationError("the data-parallel rows need OpenMPI's mpirun (make setup installs openmpi-bin)")
        }
        let mpi = [mpirun, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-x", "OPENBLAS_NUM_THREADS=1",
                   "-x", "OMP_NUM_THREADS=1"]
        let configurations: [(String, [String], [String: String])] = [
            ("1 process × 1 thread", mpi + ["-np", "1"] + arguments, [:]),
            ("2 processes × 1 thread", mpi + ["-np", "2"] + arguments, [:]),
            ("1 process × 2 threads", arguments, ["OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"]),
        ]
        print("Data-parallel SNGAN iteration (D + G step, 32×32, global batch 64, width × \(widthMultiplier)) — "
              + MachineDescription.cpuModel)
        var results: [Measurement] = []
        for (label, command, environment) in configurations {
            let measurement = try child(command, environment: environment)
            results.append(measurement)
            print("  " + label.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: "%9.1f ms per iteration   all-reduce %7.2f ms (%.1f MB)", measurement.iterationMilliseconds, measurement.allReduceMilliseconds,
                         Double(measurement.floatsPerIteration * 4) / 1e6))
        }
        let single = results[0].iterationMilliseconds, two = results[1].iterationMilliseconds
        print(String(format: "  2 processes: speed-up %.2f×, efficiency %.0f %% (1 process × 2 threads: %.2f×)",
                     single / two, 100 * single / (2 * two), single / results[2].iterationMilliseconds))
        projection(singleMilliseconds: single, floats: results[1].floatsPerIteration)
    }

    /// The efficiency `T₁ / (T₁ + N·t_ar(N))` at N ranks of a fixed global batch (each rank
    /// computing T₁/N), with a ring all-reduce moving `2(N − 1)/N` of the gradients' bytes per
    /// rank per step, at two interconnects' bandwidths, ignoring latency (a few µs a message).
    static func projection(singleMilliseconds: Double, floats: Int) {
        let bytes = Double(floats * 4)
        for (name, bytesPerSecond) in [("10 GbE (1.25 GB/s)", 1.25e9), ("HDR InfiniBand (25 GB/s)", 25e9)] {
            let efficiencies = [2, 4, 8, 16].map { n -> String in
                let reduce = 2 * Double(n - 1) / Double(n) * bytes / bytesPerSecond * 1e3
                return String(format: "N=%d %.0f %%", n, 100 * singleMilliseconds / (singleMilliseconds + Double(n) * reduce))
            }
            print("  projected at \(name), global batch 64: " + efficiencies.joined(separator: ", "))
        }
    }

    private static func child(_ command: [String], environment: [String: String]) throws -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else {
            throw ValidationError("\(command.joined(separator: " ")) failed (status \(process.terminationStatus)): \(text)")
        }
        return try JSONDecoder().decode(Measurement.self, from: Data(line.dropFirst(7).utf8))
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
