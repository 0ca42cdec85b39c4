import ExperimentRuns
import Foundation
import Reporting
import Training

/// Everything that defines one adaptive-density run (chapter 5, spec §4): the schedule, one
/// optimiser for the model and the discriminator (Adamax 0.002 as App. A) and the family's
/// settings, laid flat in one JSON object.
@dynamicMemberLookup
public struct ADERunConfig: RunConfiguration {
    public var schedule = TrainingSchedule(iterations: 2_000, historyEvery: 50, checkpointEvery: 500)
    public var optimizer = OptimizerSettings(optimizer: .adamax, learningRate: 0.002, beta1: 0.9, beta2: 0.999)
    public var ade = ADESettings()

    public init() {}

    public static var groups: [any SettingsGroup.Type] { [TrainingSchedule.self, OptimizerSettings.self, ADESettings.self] }

    public init(from decoder: any Decoder) throws {
        schedule = try TrainingSchedule(from: decoder)
        optimizer = try OptimizerSettings(from: decoder)
        ade = try ADESettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try schedule.encode(to: encoder)
        try optimizer.encode(to: encoder)
        try ade.encode(to: encoder)
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<ADESettings, T>) -> T {
        get { ade[keyPath: keyPath] }
        set { ade[keyPath: keyPath] = newValue }
    }

    /// The row name of Tables 5.1 and 5.2 and the refinement tags (`ADESettings`).
    public var modelLabel: String { ade.modelLabel }
    public var refinements: [String] { ade.refinements }

    /// e.g. `av-ade-s0`, `av-ade-wg-rd-s0` (Table 5.2's refinements in the name).
    public var runName: String {
        ([ade.variant.rawValue] + ade.refinements + ["s\(schedule.seed)"]).joined(separator: "-")
    }

    public var summaryFields: [String: JSONValue] { ["variant": .string(ade.variant.rawValue)] }

    public var dataFiles: [String] { [ade.data] + [ade.testData, ade.classifier].compactMap { $0 } }

    public func validate() throws {
        for group in [schedule, optimizer, ade] as [any SettingsGroup] { try group.validate() }
    }
}
