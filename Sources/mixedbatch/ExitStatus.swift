import ArgumentParser
import Datasets
import Evaluation
import Foundation
import HDF5IO
import NeuralNet
import Training

/// The exit statuses of every `mixedbatch` command (README "Command line"): 0 done, 1 a failure
/// of the machine (a full disk, an unwritable folder), 2 bad input (a setting, flag, data file,
/// checkpoint or classifier that cannot be used; the message names it and the fix), 3 a run
/// that diverged. Every command throws; `MixedBatchCommand.main` prints the one message and
/// exits with the status this picks, so no command keeps its own copy of the mapping.
enum ExitStatus {
    static let failure: Int32 = 1
    static let badInput: Int32 = 2
    static let diverged: Int32 = 3

    /// The status an error ends the process with.
    static func of(_ error: Error) -> Int32 {
        switch error {
        case is ConfigError, is DatasetError, is EvaluationError, is CheckpointError, is OptimizerError:
            return badInput
        case let error as HDF5Error:
            if case .cannotWrite = error { return failure }
            return badInput
        case let error as TrainingError:
            if case .missingState = error { return badInput }
            if case .invalidSetting = error { return badInput }
            return failure
        default:
            return failure
        }
    }

    /// Prints `error: <message>` for any error that is not ArgumentParser's own, and exits.
    static func exit(with error: Error) -> Never {
        if error is ExitCode || error is CleanExit || error is ValidationError {
            MixedBatchCommand.exit(withError: error)
        }
        // ArgumentParser's parse errors (unknown flags, values that do not parse) keep its messages.
        if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { MixedBatchCommand.exit(withError: error) }
        printError("\(error)")
        Foundation.exit(of(error))
    }
}
