import ArgumentParser
import TensorCore

/// `mixedbatch`: the framework's command-line tool.
@main
struct MixedBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixedbatch",
        abstract: "Train and evaluate the generative models of the MixedBatch framework.",
        subcommands: [Train2D.self, TrainImage.self, TrainDensity.self, EvaluateDensity.self, Evaluate.self, TrainFlowGAN.self, TrainADE.self, Density2D.self, DataCommand.self])

    static func main() {
        OpenBLASKernels.reexecWithFastKernelsIfNeeded()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            ExitStatus.exit(with: error)
        }
    }
}
