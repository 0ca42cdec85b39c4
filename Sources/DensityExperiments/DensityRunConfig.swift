import ExperimentRuns
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// Everything that defines one density run: the schedule, the optimiser and the density
/// settings, laid flat in one JSON object. The defaults train a Real-NVP of two scales on
/// MNIST-5k with Adam (lr 10⁻³).
@dynamicMemberLookup
public struct DensityRunConfig: RunConfiguration {
    public var schedule = TrainingSchedule(iterations: 5_000, historyEvery: 50, checkpointEvery: 500)
    public var optimizer = OptimizerSettings(learningRate: 1e-3)
    public var density = DensitySettings()

    public init() {}

    public static var groups: [any SettingsGroup.Type] { [TrainingSchedule.self, OptimizerSettings.self, DensitySettings.self] }

    public init(from decoder: any Decoder) throws {
        schedule = try TrainingSchedule(from: decoder)
        optimizer = try OptimizerSettings(from: decoder)
        density = try DensitySettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try schedule.encode(to: encoder)
        try optimizer.encode(to: encoder)
        try density.encode(to: encoder)
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<DensitySettings, T>) -> T {
        get { density[keyPath: keyPath] }
        set { density[keyPath: keyPath] = newValue }
    }

    /// e.g. `realnvp-mnist5k-train-s0`, or with a tag `agave-l8-mnist5k-train-s0`.
    public var runName: String {
        let data = URL(fileURLWithPath: density.data).deletingPathExtension().lastPathComponent
        return "\(density.model.rawValue)\(density.tag.map { "-" + $0 } ?? "")-\(data)-s\(schedule.seed)"
    }

    public var summaryFields: [String: JSONValue] { ["model": .string(density.model.rawValue)] }

    public var dataFiles: [String] { [density.data] + (density.testData.map { [$0] } ?? []) }

    /// The run's model with its first weights: drawn from the seed, then, with
    /// `initial_weights`, replaced by those of that checkpoint's player.
    public func makeModel(imageShape: [Int]) throws -> DensityModel {
        var random = RandomStream(seed: schedule.seed).split("model-init")
        let model: DensityModel
        do {
            model = try DensityModel(density, imageShape: imageShape, random: &random)
        } catch where error is TensorError || error is TrainingError {
            throw ConfigError("\(density.model.rawValue) cannot take the data's \(imageShape) images: \(error)")
        }
        guard let path = density.initialWeights else { return model }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError("initial_weights names \(path), which does not exist (train that run first)")
        }
        let player = try model.player(density, optimizer: optimizer)
        do {
            try Checkpoint.restore(from: path, modules: [player.name: model.module])
        } catch {
            throw ConfigError("initial_weights \(path) does not fit this \(density.model.rawValue) model (same architecture "
                              + "needed): \(error)")
        }
        return model
    }

    public func validate() throws {
        for group in [schedule, optimizer, density] as [any SettingsGroup] { try group.validate() }
    }
}
