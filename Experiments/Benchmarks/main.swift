import ArgumentParser
import Foundation
import TensorCore

/// `make bench`: one table of the speed numbers the issues ask for.
struct BenchmarksCommand: ParsableCommand {
    enum Part: String, ExpressibleByArgument, CaseIterable { case all, gemm, twoD = "2d", images, flows, pixelcnn, inception, dataParallel = "data-parallel" }

    static let configuration = CommandConfiguration(
        commandName: "Benchmarks", abstract: "The speed table of `make bench`.",
        discussion: "--only 2d prints the 2D-iteration rows (widths 512, 128, 64), --only images the SNGAN steps, "
            + "--only flows the NICE and Real-NVP steps (beside Experiments/Benchmarks/pytorch_reference_flows.py), "
            + "--only pixelcnn a PixelCNN++ gated block pair, --only inception Inception-v3's features of 50 images (beside "
            + "pytorch_reference_inception.py), --only gemm the raw-GEMM rows (the full run uses it to add the rows of OpenBLAS' Haswell kernels), "
            + "--only data-parallel the SNGAN iteration with 1 and 2 MPI processes and the projected scaling (needs mpirun).")

    @Option(help: ArgumentHelp("all, gemm, 2d, images, flows, pixelcnn, inception or data-parallel."))
    var only: Part = .all

    @Flag(help: .hidden) var dataParallelWorker = false

    @Option(parsing: .upToNextOption, help: ArgumentHelp("The widths of the 2D networks (--only 2d or --beside-pytorch)."))
    var widths: [Int] = [512, 128, 64]

    @Option(help: ArgumentHelp("The SNGAN networks' width multiplier for --only images (1/16 = 0.0625: make chapter4's default)."))
    var imageWidthMultiplier = 1.0

    @Flag(help: ArgumentHelp("Time the 2D, SNGAN, flow and PixelCNN++ steps (or those of --only) beside the PyTorch reference scripts, "
                             + "alternating, and print the ratios."))
    var besidePytorch = false

    @Option(help: ArgumentHelp("Alternating rounds of --beside-pytorch."))
    var rounds = 3

    func validate() throws {
        guard imageWidthMultiplier > 0, imageWidthMultiplier <= 1 else {
            throw ValidationError("--image-width-multiplier must lie in (0, 1]")
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard widths.allSatisfy({ (1...4096).contains($0) }) else { throw ValidationError("--widths must lie in 1…4096") }
    }

    func run() throws {
        if besidePytorch { return try compareWithPyTorch() }
        if dataParallelWorker { return try DataParallelScaling.worker(widthMultiplier: imageWidthMultiplier) }
        var table = BenchmarkTable()
        switch only {
        case .dataParallel: try DataParallelScaling.run(widthMultiplier: imageWidthMultiplier)
        case .images: try ComparedStep.measure(ImageSteps.steps(widthMultiplier: imageWidthMultiplier), into: &table)
        case .flows: try ComparedStep.measure(FlowSteps.steps(), into: &table)
        case .pixelcnn: try ComparedStep.measure(PixelCNNSteps.steps(), into: &table)
        case .inception: try ComparedStep.measure(InceptionSteps.steps(), into: &table)
        case .twoD: try ComparedStep.measure(AdversarialIterations.steps(widths: widths), into: &table)
        case .gemm: MatrixProducts.rawGEMM(into: &table)
        case .all:
            print("MixedBatch benchmarks — \(MachineDescription.current)\n")
            print(BenchmarkTable.header)
            MatrixProducts.rawGEMM(into: &table)
            if OpenBLASKernels.coreName != "Haswell" {
                try MatrixProducts.rawGEMMWithHaswellKernels()
            }
            try MatrixProducts.engineVersusRaw(into: &table)
            try NetworkSteps.mlpTrainingStep(into: &table)
            try NetworkSteps.discriminatorForwardBackward(into: &table)
            try EquivariantOverhead.run(into: &table)
            try ComparedStep.measure(AdversarialIterations.steps(), into: &table)
            try ComparedStep.measure(ImageSteps.steps(), into: &table)
            try ComparedStep.measure(FlowSteps.steps(), into: &table)
            try ComparedStep.measure(PixelCNNSteps.steps(), into: &table)
            try ComparedStep.measure(InceptionSteps.steps(), into: &table)
        }
    }

    private func compareWithPyTorch() throws {
        print("MixedBatch beside PyTorch — \(MachineDescription.current)")
        switch only {
        case .twoD: try PyTorchComparison.compare(AdversarialIterations.steps(widths: widths), rounds: rounds)
        case .images: try PyTorchComparison.compare(ImageSteps.steps(widthMultiplier: imageWidthMultiplier), rounds: rounds)
        case .flows: try PyTorchComparison.compare(FlowSteps.steps(), rounds: rounds)
        case .pixelcnn: try PyTorchComparison.compare(PixelCNNSteps.steps(), rounds: rounds)
        case .inception: try PyTorchComparison.compare(InceptionSteps.steps(), rounds: rounds)
        case .all:
            try PyTorchComparison.compare(AdversarialIterations.steps(widths: widths), rounds: rounds)
            try PyTorchComparison.compare(ImageSteps.steps() + ImageSteps.steps(widthMultiplier: 0.0625), rounds: rounds)
            try PyTorchComparison.compare(FlowSteps.steps(), rounds: rounds)
            try PyTorchComparison.compare(PixelCNNSteps.steps(), rounds: rounds)
            try PyTorchComparison.compare(InceptionSteps.steps(), rounds: rounds)
        case .gemm, .dataParallel: throw ValidationError("--beside-pytorch compares 2d, images, flows, pixelcnn or inception steps")
        }
    }
}

OpenBLASKernels.reexecWithFastKernelsIfNeeded()
BenchmarksCommand.main()
