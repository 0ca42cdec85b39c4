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
    /// Settings changed when the run was continued (`--resume --allow-change`), in order.
    public var configChanges: [ConfigChange] = []

    public init(extras: Extras) { self.extras = extras }

    enum CodingKeys: String, CodingKey { case history, window, extras, elapsedSeconds, configChanges }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        history = try container.decode(MetricHistory.self, forKey: .history)
        window = try container.decode(MetricWindow.self, forKey: .window)
        extras = try container.decode(Extras.self, forKey: .extras)
        elapsedSeconds = try container.decode(Double.self, forKey: .elapsedSeconds)
        // Checkpoints written before changes on resume existed have none.
        configChanges = try container.decodeIfPresent([ConfigChange].self, forKey: .configChanges) ?? []
    }
}

/// The extras of a run that keeps none.
public struct NoExtras: Codable, Equatable, Sendable {
    public init() {}
}
