/// The number of generated samples a run's final metrics use (key `evaluation_samples`).
public struct EvaluationSettings: SettingsGroup {
    public var evaluationSamples: Int

    public init(evaluationSamples: Int) { self.evaluationSamples = evaluationSamples }

    enum CodingKeys: String, CodingKey, CaseIterable { case evaluationSamples = "evaluation_samples" }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func validate() throws {
        try requireCounts(["evaluation_samples": evaluationSamples], in: SettingBounds.samples)
    }
}
