import GenerativeModels

/// The mean losses over the window of iterations ending at `iteration`.
public struct LossRecord: Codable, Equatable, Sendable {
    public var iteration: Int
    public var discriminator: Double
    public var generator: Double

    public init(iteration: Int, discriminator: Double, generator: Double) {
        self.iteration = iteration
        self.discriminator = discriminator
        self.generator = generator
    }
}

/// The bookkeeping of a run beyond its networks and optimisers: the loss curves, the open
/// averaging window, elapsed training time and what the run itself keeps along the way
/// (`extras`: point snapshots of a 2D run, metric curves of an image run). Saved in each
/// checkpoint's metadata so that a resumed run continues exactly where it stopped.
public struct TrainingLog<Extras: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var history: [LossRecord] = []
    public var extras: Extras
    /// Training wall time over all sessions of a resumed run, without evaluation.
    public var elapsedSeconds = 0.0
    var windowDiscriminator = 0.0
    var windowGenerator = 0.0
    var windowCount = 0

    public init(extras: Extras) { self.extras = extras }

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
