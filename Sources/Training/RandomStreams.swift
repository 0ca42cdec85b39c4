import TensorCore

/// The named random streams of a training procedure, each split from the run's seed by its
/// name, so that one seed reproduces a run bit for bit and a checkpoint stores and restores
/// every stream. Every procedure has `data` (its batches); families add their own (a GAN:
/// `latent` and `objective`; a VAE: `posterior`).
public struct RandomStreams: Equatable, Sendable {
    public private(set) var byName: [String: RandomStream]

    /// Streams `names` split from `RandomStream(seed: seed)`.
    public init(seed: UInt64, names: [String]) {
        let root = RandomStream(seed: seed)
        byName = Dictionary(names.map { ($0, root.split($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Streams as a checkpoint stored them; `expected` must all be there.
    public init(restoring streams: [String: RandomStream], expected: [String]) throws {
        let missing = expected.filter { streams[$0] == nil }
        guard missing.isEmpty else {
            throw TrainingError.missingState("random streams \(missing.map { "'\($0)'" }.joined(separator: ", ")) "
                                             + "(found: \(streams.keys.sorted()))")
        }
        byName = streams.filter { expected.contains($0.key) }
    }

    public var names: [String] { byName.keys.sorted() }

    /// Runs `body` on the stream `name`, which advances in place.
    public mutating func with<R>(_ name: String, _ body: (inout RandomStream) throws -> R) throws -> R {
        guard byName[name] != nil else {
            throw TrainingError.invalidSetting("the procedure has no random stream '\(name)' (it has \(names)); "
                                               + "name it in the procedure's streams")
        }
        return try body(&byName[name]!)
    }
}
