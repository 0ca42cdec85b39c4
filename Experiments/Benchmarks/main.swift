import ArgumentParser
import Foundation
import TensorCore

/// `make bench`: one table of the speed numbers the issues ask for.
struct BenchmarksCommand: ParsableCommand {
    enum Part: String, ExpressibleByArgument, CaseIterable { case all, gemm, twoD = "2d", images, flows }

    static let configuration = CommandConfiguration(
        commandName: "Benchmarks", abstract: "The speed table of `make bench`.",
        discussion: "--only 2d prints the 2D-iteration rows (widths 512, 128, 64), --only images the SNGAN steps, "
            + "--only flows the NICE and Real-NVP steps (beside Experiments/Benchmarks/pytorch_reference_flows.py), "
            + "--only gemm the raw-GEMM rows (the full run uses it to add the rows of OpenBLAS' Haswell kernels).")

    @Option(help: ArgumentHelp("all, gemm, 2d, images or flows."))
    var only: Part = .all

    func run() throws {
        var table = BenchmarkTable()
        switch only {
        case .images: try ImageSteps.run(into: &table)
        case .flows: try FlowSteps.run(into: &table)
        case .twoD: try AdversarialIterations.run(into: &table, widths: [512, 128, 64])
        case .gemm: MatrixProducts.rawGEMM(into: &table)
        case .all:
            let environment = ProcessInfo.processInfo.environment
            print("MixedBatch benchmarks — OpenBLAS kernels: \(OpenBLASKernels.coreName), "
                  + "OPENBLAS_NUM_THREADS: \(environment["OPENBLAS_NUM_THREADS"] ?? "unset"), "
                  + "cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")
            print(BenchmarkTable.header)
            MatrixProducts.rawGEMM(into: &table)
            if OpenBLASKernels.coreName != "Haswell" {
                try MatrixProducts.rawGEMMWithHaswellKernels()
            }
            try MatrixProducts.engineVersusRaw(into: &table)
            try NetworkSteps.mlpTrainingStep(into: &table)
            try NetworkSteps.discriminatorForwardBackward(into: &table)
            try EquivariantOverhead.run(into: &table)
            try AdversarialIterations.run(into: &table)
            try ImageSteps.run(into: &table)
            try FlowSteps.run(into: &table)
        }
    }
}

OpenBLASKernels.reexecWithFastKernelsIfNeeded()
BenchmarksCommand.main()
