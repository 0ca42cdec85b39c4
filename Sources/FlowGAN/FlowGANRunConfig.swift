import DensityExperiments
import ExperimentRuns
import Foundation
import Reporting
import Training

/// Everything that defines one Flow-GAN run (spec §5): the schedule, one optimiser for the flow
/// and the critic, the flow's density settings and Flow-GAN's own, laid flat in one JSON
/// object. The defaults: NICE on MNIST-5k (logistic prior), the hybrid objective with λ = 0.1,
/// Adam 10⁻⁴ with β = (0.5, 0.9) as WGAN-GP (our choice; the paper defers its settings to its
/// code, A6.0b).
@dynamicMemberLookup
public struct FlowGANRunConfig: RunConfiguration {
    public var schedule = TrainingSchedule(iterations: 5_000, historyEvery: 50, checkpointEvery: 500)
    public var optimizer = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
    public var density: DensitySettings = {
        var settings = DensitySettings()
        settings.model = .nice
        return settings
    }()
    public var flowGAN = FlowGANSettings()

    public init() {}

    public static var groups: [any SettingsGroup.Type] {
        [TrainingSchedule.self, OptimizerSettings.self, DensitySettings.self, FlowGANSettings.self]
    }

    public init(from decoder: any Decoder) throws {
        schedule = try TrainingSchedule(from: decoder)
        optimizer = try OptimizerSettings(from: decoder)
        density = try DensitySettings(from: decoder)
        flowGAN = try FlowGANSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try schedule.encode(to: encoder)
        try optimizer.encode(to: encoder)
        try density.encode(to: encoder)
        try flowGAN.encode(to: encoder)
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<FlowGANSettings, T>) -> T {
        get { flowGAN[keyPath: keyPath] }
        set { flowGAN[keyPath: keyPath] = newValue }
    }

    /// The objective's name in tables: `MLE`, `ADV`, `Hybrid (λ = 0.1)`.
    public var objectiveLabel: String {
        switch flowGAN.objective {
        case .mle: return "MLE"
        case .adv: return "ADV"
        case .hybrid: return "Hybrid (λ = \(flowGAN.likelihoodWeight))"
        }
    }

    /// e.g. `flowgan-nice-hybrid-l0.1-s0`.
    public var runName: String {
        var parts = ["flowgan", density.model.rawValue, flowGAN.objective.rawValue]
        if flowGAN.objective == .hybrid { parts.append("l\(flowGAN.likelihoodWeight)") }
        parts.append("s\(schedule.seed)")
        return parts.joined(separator: "-")
    }

    public var summaryFields: [String: JSONValue] {
        ["model": .string(density.model.rawValue), "objective": .string(flowGAN.objective.rawValue)]
    }

    public var dataFiles: [String] {
        [density.data] + [density.testData, flowGAN.validationData, flowGAN.classifier].compactMap { $0 }
    }

    public func validate() throws {
        for group in [schedule, optimizer, density, flowGAN] as [any SettingsGroup] { try group.validate() }
        try requireSetting([.nice, .realnvp].contains(density.model),
                           "model = \(density.model.rawValue): a Flow-GAN's generator is a flow; use nice or realnvp")
        try requireSetting(flowGAN.curveEvery == 0 || flowGAN.validationData != nil,
                           "curve_every > 0 needs validation_data (the held-out images of the NLL curves)")
    }
}
