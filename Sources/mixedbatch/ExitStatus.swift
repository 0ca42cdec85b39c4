import ArgumentParser
import Datasets
import Distributed
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

    /// The status of the framework's own errors; nil for any other (ArgumentParser's parse
    /// errors and exit codes, Foundation's), which ArgumentParser reports with status 1 or its own.
    static func of(_ error: Error) -> Int32? {
        switch error {
        case is ConfigError, is DatasetError, is EvaluationError, is CheckpointError:
            return badInput
        case let error as OptimizerError:
            if case .invalidState = error { return badInput }
            return failure
        case let error as HDF5Error:
            switch error {
            case .cannotWrite, .fileLocked: return failure
            default: return badInput
            }
        case let error as TrainingError:
            switch error {
            case .missingState, .invalidSetting: return badInput
            case .nonFiniteLoss, .nonFiniteState: return diverged
            }
        default:
            return nil
        }
    }

    /// Prints `error: <message>` and exits with the error's status; errors the framework does
    /// not classify go to ArgumentParser, which keeps its own messages and statuses.
    static func exit(with error: Error) -> Never {
        guard let status = of(error) else {
            if let group = MPIProcessGroup.started, group.size > 1 {
                printError("\(error)")
                group.abort(code: ExitStatus.failure)
            }
            MixedBatchCommand.exit(withError: error)
        }
        printError("\(error)")
        // One rank's error ends the job: the others would wait in a collective forever.
        if let group = MPIProcessGroup.started, group.size > 1, status != diverged { group.abort(code: status) }
        Foundation.exit(status)
    }
}
