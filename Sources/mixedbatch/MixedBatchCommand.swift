import ArgumentParser
import Distributed
import Training
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
            // ArgumentParser answers --help with its own (internal) HelpCommand: no job needed.
            let isHelp = String(describing: type(of: command)).hasSuffix("HelpCommand")
            if !isHelp, let group = try MPIProcessGroup.startIfLaunchedByMPI(), group.size > 1, !(command is DataParallelCommand) {
                throw ConfigError("this command runs as one process; start it without mpirun/srun (data-parallel: "
                                  + "mixedbatch train2d, train-image, train-density, train-flowgan and train-ade)")
            }
            try command.run()
        } catch {
            ExitStatus.exit(with: error)
        }
    }
}

/// A command that trains data-parallel when started by `mpirun -np N` or `srun`: every
/// process trains on its shard of each batch, rank 0 writes (`TrainingProcedure`). Every
/// `train…` command is one; the others refuse to run as a job.
protocol DataParallelCommand {}

extension Train2D: DataParallelCommand {}
extension TrainImage: DataParallelCommand {}
extension TrainDensity: DataParallelCommand {}
extension TrainFlowGAN: DataParallelCommand {}
extension TrainADE: DataParallelCommand {}
