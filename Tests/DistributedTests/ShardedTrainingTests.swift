import Adversarial
import Foundation
import MixtureExperiments
import NeuralNet
import TensorCore
import Testing
import Training

/// Data parallelism trains the single-process model: two processes (threads of an
/// `InProcessGroup`, the collectives of an MPI group) with 32 rows each reach the
/// parameters and losses of one process with 64 rows, for every kind of batch coupling.
@Suite struct ShardedTrainingTests {
    /// A small 2D run of `method`: 64 rows, two discriminator steps, three iterations, plain
    /// SGD — Adam turns the rounding noise of a gradient that is zero in exact arithmetic (a
    /// bias before batch normalisation) into a full ±learning-rate step, which would hide a
    /// real difference among such noise (`adamKeepsReplicasTogether` runs Adam).
    static func config(_ method: AdversarialMethod, configure: (inout MixtureRunConfig) -> Void = { _ in }) -> MixtureRunConfig {
        var config = MixtureRunConfig()
        config.gan.optimizer.optimizer = .sgd
        config.gan.optimizer.learningRate = 0.05
        config.method = method
        config.batchSize = 64
        config.width = 32
        config.depth = 2
        config.discriminatorSteps = 2
        config.seed = 7
        configure(&config)
        return config
    }

    /// The GAN procedure of `config` over `group`, its networks initialised from the seed.
    static func procedure(_ config: MixtureRunConfig, group: any ProcessGroup) throws -> TrainingProcedure {
        let mixture = try config.makeMixture()
        let (generator, discriminator) = try MixtureRun.makeNetworks(config)
        return try config.makeProcedure(generator: generator, discriminator: discriminator, group: group) { count, random in
            try mixture.sampleBatch(count: count, random: &random)
        }
    }

    /// Trains `config` for `iterations` with `group`; the parameters of both players and the metrics.
    static func train(_ config: MixtureRunConfig, group: any ProcessGroup, iterations: Int = 3) throws -> Trained {
        try Trained(procedure(config, group: group), iterations: iterations)
    }

    static func checkSharded(_ config: MixtureRunConfig, tolerance: Float = 2e-4) throws {
        try Trained.compare(tolerance: tolerance) { group in try procedure(config, group: group) }
    }

    @Test func perSampleGAN() throws { try Self.checkSharded(Self.config(.gan)) }

    /// With Adam (the default optimiser) too, on a network without zero-gradient parameters.
    @Test func adamKeepsReplicasTogether() throws {
        try Self.checkSharded(Self.config(.mbgan) { $0.gan.optimizer.optimizer = .adam; $0.gan.optimizer.learningRate = 1e-3 })
    }

    /// BGAN: ρ (Eq. 4.11) over the global batch, one β and p* per batch, one batch prediction.
    @Test func equivariantBGAN() throws { try Self.checkSharded(Self.config(.bgan)) }

    @Test func equivariantMBGANWithBetaPrior() throws {
        try Self.checkSharded(Self.config(.mbgan) { $0.prior = .beta })
    }

    /// Synchronised batch normalisation in both networks (running statistics compared too).
    @Test func batchNormalisation() throws {
        try Self.checkSharded(Self.config(.gan) {
            $0.generatorBatchNorm = true
            $0.discriminatorBatchNorm = true
        })
    }

    @Test func minibatchDiscrimination() throws {
        // The closeness features reach ~B, so SGD at 0.05 diverges (a loss of 1,200 at the second
        // iteration) and amplifies rounding; at 0.005 the run is tame.
        try Self.checkSharded(Self.config(.minibatchDiscrimination) {
            $0.minibatchKernels = 8
            $0.gan.optimizer.learningRate = 0.005
        })
    }

    @Test func minibatchStandardDeviation() throws { try Self.checkSharded(Self.config(.minibatchStddev)) }

    /// Per-row draws for the global batch: WGAN-GP's ε, mixup's Beta weights.
    @Test func perRowDraws() throws {
        try Self.checkSharded(Self.config(.wganGP))
        try Self.checkSharded(Self.config(.mixup))
    }

    /// PacGAN packs consecutive rows: with shards of whole packs it is the same model.
    @Test func packing() throws { try Self.checkSharded(Self.config(.pacgan)) }

    /// A batch that does not split evenly is refused before anything runs.
    @Test func unevenBatchIsRefused() throws {
        let config = Self.config(.gan) { $0.batchSize = 63 }
        let messages = try InProcessGroup.run(size: 2) { member -> String in
            do { _ = try Self.train(config, group: member, iterations: 1) } catch { return "\(error)" }
            return ""
        }
        #expect(messages.allSatisfy { $0.contains("does not split over 2 processes") })
    }

    /// Processes started from different states are told apart before the first step.
    @Test func disagreeingReplicasAreRefused() throws {
        let messages = try InProcessGroup.run(size: 2) { member -> String in
            let config = Self.config(.gan) { $0.seed = UInt64(7 + member.rank) }
            do { _ = try Self.train(config, group: member, iterations: 1) } catch { return "\(error)" }
            return ""
        }
        #expect(messages.allSatisfy { $0.contains("rank 1's parameters") })
    }
}

/// The collectives' gradients: what each process's backward pass must add up to.
@Suite struct BatchCollectiveTests {
    /// ρ's gradient: d/dx_i of Σ_j w_j · mean_b(x)_j over the global batch is w/B for every row.
    @Test func batchMeanGradientCoversTheGlobalBatch() throws {
        let weights = Tensor([1, -2, 3])
        let rows: [Tensor] = [try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
                              try Tensor(shape: [2, 3], scalars: [7, 8, 9, 10, 11, 12])]
        let results = try InProcessGroup.run(size: 2) { member -> ([Float], [Float]) in
            try DataParallel.with(member) {
                let x = rows[member.rank].requiringGradient()
                let mean = try x.batchMean()
                let g = try gradients(of: (mean * weights).sum(), wrt: [x])[0]
                return (mean.scalars, g.scalars)
            }
        }
        // Each process's loss is the whole (replicated) loss, so each process's gradient is
        // 2 × w/B; the procedure's average over the 2 processes makes it w/B = w/4.
        for (mean, gradient) in results {
            #expect(mean == [5.5, 6.5, 7.5])
            #expect(gradient == [0.5, -1, 1.5, 0.5, -1, 1.5])
        }
    }

    /// allGathered's gradient is the sum over processes of the gradients of this process's rows.
    @Test func allGatheredGradientSumsOverProcesses() throws {
        let results = try InProcessGroup.run(size: 2) { member -> ([Float], [Float]) in
            try DataParallel.with(member) {
                let x = try Tensor([Float(member.rank + 1), Float(member.rank + 3)]).reshaped([2, 1]).requiringGradient()
                let everyRow = try x.allGathered()
                // Process r weighs the global rows by (r + 1).
                let loss = (everyRow * Float(member.rank + 1)).sum()
                return (everyRow.scalars, try gradients(of: loss, wrt: [x])[0].scalars)
            }
        }
        #expect(results[0].0 == [1, 3, 2, 4])
        #expect(results[1].0 == [1, 3, 2, 4])
        #expect(results[0].1 == [3, 3] && results[1].1 == [3, 3])
    }

    @Test func singleProcessCollectivesAreTheLocalOperations() throws {
        let x = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.batchMean().scalars == x.mean(alongAxes: [0]).scalars)
        #expect(try x.allGathered().scalars == x.scalars)
        #expect(try x.localShard().scalars == x.scalars)
    }
}

/// The state a procedure reached: every player's parameters and buffers, and each iteration's metrics.
struct Trained: Sendable {
    var parameters: [String: [Float]]
    var losses: [[String: Float]]

    init(_ procedure: TrainingProcedure, iterations: Int) throws {
        losses = try (0..<iterations).map { _ in try procedure.trainIteration() }
        parameters = [:]
        for player in procedure.players {
            for (path, parameter) in player.parameters { parameters[player.name + "/" + path] = parameter.tensor.scalars }
            for (path, buffer) in player.module.namedBuffers { parameters[player.name + "/" + path] = buffer.wrappedValue.scalars }
        }
    }

    /// Trains the procedure `build` makes on one process and on two (threads of an
    /// `InProcessGroup`, half the rows each): the two processes must hold the same state, and it
    /// must be the single process's to `tolerance` (relative to max(1, |value|)).
    static func compare(tolerance: Float = 2e-4, iterations: Int = 3,
                        _ build: @escaping @Sendable (any ProcessGroup) throws -> TrainingProcedure) throws {
        let single = try Trained(build(SingleProcess.shared), iterations: iterations)
        let sharded = try InProcessGroup.run(size: 2) { member in try Trained(build(member), iterations: iterations) }
        #expect(sharded[0].parameters == sharded[1].parameters)
        #expect(sharded[0].losses == sharded[1].losses)
        #expect(Set(single.parameters.keys) == Set(sharded[0].parameters.keys))
        let worst = largestDifference(single.parameters, sharded[0].parameters)
        #expect(worst.difference < tolerance, "largest relative parameter difference \(worst.difference) at \(worst.path)")
        for (expected, got) in zip(single.losses, sharded[0].losses) {
            #expect(Set(expected.keys) == Set(got.keys))
            for (name, value) in expected {
                let other = got[name] ?? .nan
                #expect(abs(value - other) <= tolerance * max(1, abs(value)), "\(name): \(value) vs \(other)")
            }
        }
    }
}

/// The largest difference between two sets of parameters (by path), each tensor's relative to
/// max(1, its largest |value| in `reference`), and where it is; a missing or resized tensor
/// counts as infinitely different.
func largestDifference(_ reference: [String: [Float]], _ other: [String: [Float]]) -> (difference: Float, path: String) {
    var worst: (difference: Float, path: String) = (0, "")
    for (path, values) in reference {
        guard let compared = other[path], compared.count == values.count else { return (.infinity, path) }
        let scale = max(1, values.map(abs).max() ?? 0)
        let difference = zip(values, compared).map { abs($0 - $1) / scale }.max() ?? 0
        if difference > worst.difference { worst = (difference, path) }
    }
    return worst
}
