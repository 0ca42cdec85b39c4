import Foundation
import Reporting
import Training

/// The settings of one resumable training run (a 2D mixture run, an image run, a flow):
/// settings groups laid flat in one JSON object, decoded strictly, validated before anything
/// is trained, and stored verbatim in every checkpoint and result so that a folder never
/// receives a run with other settings.
public protocol RunConfiguration: SettingsComposite, Equatable, Sendable {
    /// Seed, iterations, history and checkpoint cadence.
    var schedule: TrainingSchedule { get }
    /// A name for folders and manifests, e.g. `squares-bgan-g0.3-s0`.
    var runName: String { get }
    /// What the command line's JSON summary adds about the config (`method`, `dataset`).
    var summaryFields: [String: JSONValue] { get }
    /// The data files the run reads (their contents are fingerprinted in every checkpoint).
    var dataFiles: [String] { get }
    /// Throws a `ConfigError` naming the first setting that cannot be run and how to fix it.
    func validate() throws
}

extension RunConfiguration {
    public var summaryFields: [String: JSONValue] { [:] }
    public var dataFiles: [String] { [] }

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
