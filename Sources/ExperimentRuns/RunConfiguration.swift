import Adversarial
import Foundation
import GenerativeModels
import NeuralNet
import Reporting
import TensorCore

/// The settings of one resumable training run (a 2D mixture run, an image run): decoded
/// strictly from JSON, validated before anything is trained, and stored verbatim in every
/// checkpoint and result so that a folder never receives a run with other settings.
public protocol RunConfiguration: StrictlyDecodableConfig, Equatable, Sendable {
    var seed: UInt64 { get }
    /// Generator updates.
    var iterations: Int { get }
    /// Losses are averaged over windows of this many iterations for the curves.
    var historyEvery: Int { get }
    /// A resumable checkpoint is written every this many iterations.
    var checkpointEvery: Int { get }
    /// A name for folders and manifests, e.g. `squares-bgan-g0.3-s0`.
    var runName: String { get }
    /// Throws a `ConfigError` naming the first setting that cannot be run and how to fix it.
    func validate() throws
}

extension RunConfiguration {
    /// The config as pretty, sorted JSON (what manifests and checkpoints store).
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The config as a JSON object, for manifests.
    public func jsonObject() throws -> [String: JSONValue] {
        guard case let .object(object) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(self)) else {
            return [:]
        }
        return object
    }
}

/// The settings of a run that trains one generator against one discriminator with
/// `AdversarialTrainer` (every chapter-4 run: 2D mixtures, images).
public protocol AdversarialRunConfiguration: RunConfiguration {
    var method: AdversarialMethod { get }
    var objectiveOptions: ObjectiveOptions { get }
    var latentSize: Int { get }
    var batchSize: Int { get }
    /// n_disc: discriminator updates per generator update.
    var discriminatorSteps: Int { get }
    var learningRate: Float { get }
    var beta1: Float { get }
    var beta2: Float { get }
}

extension AdversarialRunConfiguration {
    /// The trainer of `generator` against `discriminator` with this run's objective, sizes,
    /// Adam settings and seed; `sampleReal` draws real batches.
    public func makeTrainer(generator: any Layer, discriminator: any Layer,
                            sampleReal: @escaping (_ count: Int, _ random: inout RandomStream) throws -> Tensor) throws
        -> AdversarialTrainer {
        try AdversarialTrainer(
            generator: generator, discriminator: discriminator, objective: method.makeObjective(objectiveOptions),
            latentSize: latentSize, batchSize: batchSize, discriminatorSteps: discriminatorSteps,
            adam: AdamSettings(learningRate: learningRate, beta1: beta1, beta2: beta2), seed: seed, sampleReal: sampleReal)
    }
}
