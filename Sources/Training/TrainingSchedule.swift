/// How long a run trains and how it keeps its records (keys `seed`, `iterations`,
/// `history_every`, `checkpoint_every`).
public struct TrainingSchedule: SettingsGroup {
    public var seed: UInt64 = 0
    /// Training iterations (a GAN's: generator updates).
    public var iterations: Int
    /// Per-iteration metrics are averaged over windows of this many iterations for the curves.
    public var historyEvery: Int
    /// A resumable checkpoint is written every this many iterations.
    public var checkpointEvery: Int

    public init(iterations: Int, historyEvery: Int, checkpointEvery: Int, seed: UInt64 = 0) {
        self.iterations = iterations
        self.historyEvery = historyEvery
        self.checkpointEvery = checkpointEvery
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, iterations, historyEvery = "history_every", checkpointEvery = "checkpoint_every"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func validate() throws {
        try requireCounts(["iterations": iterations, "history_every": historyEvery, "checkpoint_every": checkpointEvery],
                          in: SettingBounds.steps)
    }
}
