import ExperimentRuns
import Foundation
import TestSupport
import Training

struct Interrupted: Error {}

/// A minimal run config of the tests' own: a schedule and one optimiser, laid flat.
struct ToyRunConfig: RunConfiguration {
    var schedule = TrainingSchedule(iterations: 12, historyEvery: 2, checkpointEvery: 5, seed: 3)
    var optimizer = OptimizerSettings(learningRate: 0.05)

    init() {}

    static var groups: [any SettingsGroup.Type] { [TrainingSchedule.self, OptimizerSettings.self] }

    init(from decoder: any Decoder) throws {
        schedule = try TrainingSchedule(from: decoder)
        optimizer = try OptimizerSettings(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try schedule.encode(to: encoder)
        try optimizer.encode(to: encoder)
    }

    var runName: String { "toy-s\(schedule.seed)" }

    func validate() throws {
        try schedule.validate()
        try optimizer.validate()
    }
}

/// Metrics of the tests' own run family.
struct ToyMetrics: RunMetrics {
    static var runKind: String { "a toy run" }
    var finalLoss: Double
    var reverseKL: Double?
}
