import Training

/// The bookkeeping of a run beyond its players: the named metric history, the open
/// averaging window, elapsed training time and what the run itself keeps along the way
/// (`extras`: point snapshots of a 2D run). Saved in each checkpoint's metadata so that a
/// resumed run continues exactly where it stopped.
public struct TrainingLog<Extras: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var history = MetricHistory()
    public var window = MetricWindow()
    public var extras: Extras
    /// Training wall time over all sessions of a resumed run, without evaluation.
    public var elapsedSeconds = 0.0

    public init(extras: Extras) { self.extras = extras }
}

/// The extras of a run that keeps none.
public struct NoExtras: Codable, Equatable, Sendable {
    public init() {}
}
