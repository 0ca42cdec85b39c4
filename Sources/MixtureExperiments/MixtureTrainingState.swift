import GenerativeModels

/// The bookkeeping of a 2D run beyond the networks and optimisers: loss curves, the
/// current averaging window, snapshots and elapsed time. Saved in the checkpoint's
/// metadata so that a resumed run continues exactly where it stopped.
struct MixtureTrainingState: Codable, Equatable {
    var history: [LossRecord] = []
    var snapshots: [PointSnapshot] = []
    var windowDiscriminator = 0.0
    var windowGenerator = 0.0
    var windowCount = 0
    var elapsedSeconds = 0.0

    /// Adds an iteration's losses; closes the window into `history` every `every` iterations.
    mutating func record(_ losses: AdversarialLosses, iteration: Int, every: Int) {
        windowDiscriminator += Double(losses.discriminator)
        windowGenerator += Double(losses.generator)
        windowCount += 1
        guard iteration % every == 0 else { return }
        history.append(LossRecord(iteration: iteration, discriminator: windowDiscriminator / Double(windowCount),
                                  generator: windowGenerator / Double(windowCount)))
        windowDiscriminator = 0
        windowGenerator = 0
        windowCount = 0
    }
}
