/// Errors of a training run; each message names the problem and what to do about it.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A loss of `player` became NaN or infinite at `iteration` (1-based); no update was made with it.
    case nonFiniteLoss(iteration: Int, player: String, value: Float)
    /// After `iteration`, a parameter or optimiser state of `player` (`path`) holds a NaN or an
    /// infinity although every loss was finite (an overflowing second moment, say).
    case nonFiniteState(iteration: Int, player: String, path: String)
    /// A setting out of its valid range.
    case invalidSetting(String)
    /// A checkpoint lacks state the run needs.
    case missingState(String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(iteration, player, value):
            return "the \(player) loss is \(value) at iteration \(iteration); training stopped. "
                + "Lower the learning rate or change the method's settings, or resume from the last checkpoint"
        case let .nonFiniteState(iteration, player, path):
            return "after iteration \(iteration) the \(player)'s \(path) holds NaN or infinite values; training stopped. "
                + "Lower the learning rate or clip the gradients, or resume from the last checkpoint"
        case let .invalidSetting(detail):
            return "invalid training setting: \(detail)"
        case let .missingState(detail):
            return "the checkpoint lacks \(detail); it was not written by this kind of run — start a fresh run"
        }
    }
}
