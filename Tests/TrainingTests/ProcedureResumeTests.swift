import Distributions
import ExperimentRuns
import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing
import Training

/// Bit-identical resume for procedures other than a GAN: a one-player maximum-likelihood fit
/// (with clipping, a schedule and parameter averaging, all checkpointed) and a three-player
/// toy procedure in the shape of a VAE-GAN with a code discriminator.
@Suite struct ProcedureResumeTests {
    /// The data: a two-component mixture in 2D, labelled with the component.
    static func data(_ count: Int, _ random: inout RandomStream) throws -> Batch {
        let labels = (0..<count).map { _ in random.integer(in: 0..<2) }
        let noise = random.normal([count, 2], standardDeviation: 0.3)
        let points = try noise + Tensor(shape: [count, 2], scalars: labels.flatMap { $0 == 0 ? [-2, 0] : [2, 1] })
        return try Batch(inputs: points, labels: labels)
    }

    static func densityFit(_ config: ToyRunConfig) throws -> (TrainingProcedure, GaussianMixtureDensity) {
        var random = RandomStream(seed: config.schedule.seed).split("init")
        let model = try GaussianMixtureDensity(components: 2, dimensions: 2, random: &random)
        let procedure = try TrainingProcedure(players: [model.maximumLikelihoodPlayer(optimizer: config.optimizer)],
                                              batchSize: 32, seed: config.schedule.seed, data: data)
        return (procedure, model)
    }

    static func fitConfig() -> ToyRunConfig {
        var config = ToyRunConfig()
        config.optimizer.gradientClipNorm = 5
        config.optimizer.warmupSteps = 3
        config.optimizer.decayPerStep = 0.99
        config.optimizer.averagingDecay = 0.9
        return config
    }

    static func parameters(_ module: Module) -> [Float] { module.namedParameters.flatMap { $0.parameter.tensor.scalars } }

    /// Trains to the end, or stops after `interruptAt` and resumes; returns the outcome and the model.
    static func run(_ config: ToyRunConfig, folder: String, interruptAt: Int? = nil) throws
        -> (ResumableTraining<ToyRunConfig>.Outcome<NoExtras>, GaussianMixtureDensity, TrainingProcedure) {
        let training = ResumableTraining(config: config, folder: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if let interruptAt {
            let (procedure, _) = try densityFit(config)
            #expect(throws: Interrupted.self) {
                try training.train(procedure, resume: false, log: TrainingLog(extras: NoExtras()),
                                   onIteration: { iteration in if iteration == interruptAt { throw Interrupted() } })
            }
        }
        let (procedure, model) = try densityFit(config)
        let outcome = try training.train(procedure, resume: ResumePolicy(resume: interruptAt != nil), log: TrainingLog(extras: NoExtras()))
        return (outcome, model, procedure)
    }

    @Test func aOnePlayerFitResumesBitForBit() throws {
        let config = Self.fitConfig()
        let straightFolder = TemporaryFolder(create: false), resumedFolder = TemporaryFolder(create: false)
        let (straight, straightModel, straightProcedure) = try Self.run(config, folder: straightFolder.path)
        let (resumed, resumedModel, resumedProcedure) = try Self.run(config, folder: resumedFolder.path, interruptAt: 7)
        #expect(resumed.log.history == straight.log.history)
        #expect(straight.log.history.names == ["density.gradient_norm", "density.loss", "density.nll"])
        #expect(straight.log.history["density.loss"]?.iterations == [2, 4, 6, 8, 10, 12])
        #expect(Self.parameters(resumedModel) == Self.parameters(straightModel))
        let straightAverage = try #require(straightProcedure.players[0].averaging)
        let resumedAverage = try #require(resumedProcedure.players[0].averaging)
        #expect(resumedAverage.updateCount == 12 && straightAverage.updateCount == 12)
        for (path, _) in straightModel.namedParameters {
            #expect(resumedAverage.average(of: path)?.scalars == straightAverage.average(of: path)?.scalars)
        }
        #expect(resumedProcedure.streams == straightProcedure.streams && resumedProcedure.iteration == 12)
    }

    /// The fit learns: the NLL of fresh data falls, and the averaged parameters are what
    /// evaluation sees inside `withEvaluationParameters`, the trained ones outside.
    @Test func theFitLearnsAndEvaluatesWithTheAverage() throws {
        var config = Self.fitConfig()
        config.schedule.iterations = 150
        let (procedure, model) = try Self.densityFit(config)
        var random = RandomStream(seed: 99)
        let test = try Self.data(2_000, &random).inputs
        let before = try -model.logLikelihood(test).mean().scalar
        for _ in 0..<150 { try procedure.trainIteration() }
        let after = try -model.logLikelihood(test).mean().scalar
        #expect(after < before - 1)
        // No model goes below the data's entropy: two equal components 14σ apart, σ = 0.3 in 2-D,
        // H = ln 2 + ln(2πe·0.09) ≈ 1.1235 nats (less 0.05 for the estimate on 2,000 points).
        #expect(Double(after) > log(2) + log(2 * Double.pi * exp(1) * 0.09) - 0.05)
        let player = procedure.players[0]
        let trained = Self.parameters(model)
        let averaged = player.withEvaluationParameters { Self.parameters(model) }
        #expect(averaged != trained && Self.parameters(model) == trained)
        #expect(try procedure.withEvaluationParameters { Self.parameters(model) } == averaged)
        let path = model.namedParameters[0].path
        #expect(averaged.prefix(4).elementsEqual(player.averaging!.average(of: path)!.scalars.prefix(4)))
    }

    /// Three players: an encoder and a decoder trained as an autoencoder through each other,
    /// and a critic on the codes with two steps per iteration; each step moves only its
    /// player, and a restored checkpoint continues bit for bit.
    final class ThreePlayers {
        let encoder: Linear, decoder: Linear, critic: Sequential
        let procedure: TrainingProcedure

        init(seed: UInt64) throws {
            var random = RandomStream(seed: seed)
            encoder = try Linear(inputFeatures: 2, outputFeatures: 1, random: &random)
            decoder = try Linear(inputFeatures: 1, outputFeatures: 2, random: &random)
            critic = try Sequential.perceptron(inputSize: 1, hiddenSizes: [4], outputSize: 1, random: &random)
            let (encoder, decoder, critic) = (encoder, decoder, critic)
            let settings = OptimizerSettings(learningRate: 0.01)
            let criticPlayer = try Player(name: "critic", module: critic, optimizer: settings.makeOptimizer(for: critic),
                                          steps: 2) { batch, streams in
                let prior = try streams.with("prior") { $0.normal([batch.count, 1]) }
                let codes = try withoutGradient { try encoder(batch.inputs) }
                return PlayerLoss(try softplus(critic(codes)).mean() + softplus(-critic(prior)).mean())
            }
            let encoderPlayer = try Player(name: "encoder", module: encoder, optimizer: settings.makeOptimizer(for: encoder)) { batch, _ in
                let codes = try encoder(batch.inputs)
                let reconstruction = try square(decoder(codes) - batch.inputs).mean()
                let fooling = try softplus(-critic(codes)).mean()
                return PlayerLoss(try reconstruction + 0.1 * fooling, metrics: ["reconstruction": reconstruction.scalar])
            }
            let decoderPlayer = try Player(name: "decoder", module: decoder, optimizer: settings.makeOptimizer(for: decoder)) { batch, streams in
                let jitter = try streams.with("prior") { $0.normal([batch.count, 1], standardDeviation: 0.01) }
                let codes = try withoutGradient { try encoder(batch.inputs) + jitter }
                return PlayerLoss(try square(decoder(codes) - batch.inputs).mean())
            }
            procedure = try TrainingProcedure(players: [criticPlayer, encoderPlayer, decoderPlayer], batchSize: 16,
                                              seed: seed, streams: ["prior"], data: ProcedureResumeTests.data)
        }

        var weights: [[Float]] { [encoder, decoder, critic].map(ProcedureResumeTests.parameters) }
    }

    @Test func aThreePlayerProcedureResumesBitForBit() throws {
        let folder = TemporaryFolder(create: false)
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let straight = try ThreePlayers(seed: 5)
        var straightMetrics: [[String: Float]] = []
        for _ in 0..<6 { straightMetrics.append(try straight.procedure.trainIteration()) }

        let first = try ThreePlayers(seed: 5)
        for _ in 0..<3 { try first.procedure.trainIteration() }
        try first.procedure.saveCheckpoint(to: folder.path + "/checkpoint.h5", metadata: [:])
        let resumed = try ThreePlayers(seed: 5)
        try resumed.procedure.restoreCheckpoint(from: folder.path + "/checkpoint.h5")
        #expect(resumed.procedure.iteration == 3 && resumed.weights == first.weights)
        var resumedMetrics: [[String: Float]] = []
        for _ in 0..<3 { resumedMetrics.append(try resumed.procedure.trainIteration()) }
        #expect(resumedMetrics == Array(straightMetrics.suffix(3)))
        #expect(resumed.weights == straight.weights)
        #expect(Set(straightMetrics[0].keys) == ["critic.loss", "encoder.loss", "encoder.reconstruction", "decoder.loss"])
        let contents = try Checkpoint.inspect(folder.path + "/checkpoint.h5")
        #expect(contents.moduleNames.sorted() == ["critic", "decoder", "encoder"])
        #expect(contents.randomStreams.keys.sorted() == ["data", "prior"])
    }

    @Test func eachStepMovesOnlyItsPlayer() throws {
        let toy = try ThreePlayers(seed: 6)
        for (index, name) in ["encoder", "decoder", "critic"].enumerated() {
            let before = toy.weights
            try toy.procedure.trainStep(of: name)
            let after = toy.weights
            for other in 0..<3 { #expect((after[other] == before[other]) == (other != index), "\(name) step") }
        }
        #expect(throws: TrainingError.self) { try toy.procedure.trainStep(of: "generator") }
    }

    /// A checkpoint whose training log is of the old, two-network form is refused with a
    /// message, not a decoding trace.
    @Test func aCheckpointOfAnOlderVersionIsNamed() throws {
        let folder = TemporaryFolder(create: false)
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let config = Self.fitConfig()
        let (procedure, _) = try Self.densityFit(config)
        let oldLog = #"{"history": [{"iteration": 2, "discriminator": 1.0, "generator": 0.5}], "extras": {}, "elapsedSeconds": 1}"#
        try procedure.saveCheckpoint(to: folder.path + "/checkpoint.h5",
                                     metadata: ["config": try config.jsonText(), "state": oldLog])
        let (fresh, _) = try Self.densityFit(config)
        do {
            _ = try ResumableTraining(config: config, folder: folder.path)
                .train(fresh, resume: true, log: TrainingLog(extras: NoExtras()))
            Issue.record("an old training log must be refused")
        } catch let error as ConfigError {
            #expect(error.message.contains("does not decode") && error.message.contains("checkpoint.h5"))
        }
    }

    @Test func badProceduresAreRejected() throws {
        let toy = try ThreePlayers(seed: 7)
        let player = toy.procedure.players[0]
        #expect(throws: TrainingError.self) {
            try TrainingProcedure(players: [player, player], batchSize: 4, seed: 0, data: Self.data)
        }
        #expect(throws: TrainingError.self) { try TrainingProcedure(players: [], batchSize: 4, seed: 0, data: Self.data) }
        #expect(throws: TrainingError.self) {
            try Player(name: "a.b", module: toy.encoder, optimizer: Adam(for: toy.encoder)) { _, _ in PlayerLoss(Tensor(0)) }
        }
        #expect(throws: TrainingError.self) {  // the optimiser updates another module
            try Player(name: "a", module: toy.encoder, optimizer: Adam(for: toy.decoder)) { _, _ in PlayerLoss(Tensor(0)) }
        }
        #expect(throws: TrainingError.self) {
            try Player(name: "a", module: toy.encoder, optimizer: Adam(for: toy.encoder),
                       options: PlayerOptions(averagingDecay: 1)) { _, _ in PlayerLoss(Tensor(0)) }
        }
    }
}
