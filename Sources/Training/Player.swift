import NeuralNet
import TensorCore

/// What a player's loss function returns: the scalar it minimises and any named metrics
/// (recorded as `<player>.<name>`, averaged over the player's steps in an iteration).
public struct PlayerLoss {
    public var loss: Tensor
    public var metrics: [String: Float]

    public init(_ loss: Tensor, metrics: [String: Float] = [:]) {
        self.loss = loss
        self.metrics = metrics
    }
}

/// A player's loss on one batch: it may draw from the procedure's random streams.
public typealias PlayerLossFunction = (_ batch: Batch, _ streams: inout RandomStreams) throws -> PlayerLoss

/// One participant of a training procedure: a named module with its own optimiser, the
/// number of steps it takes per iteration and its loss. During its steps the other players'
/// parameters are frozen. A GAN is a discriminator (n_disc steps) and a generator; a flow, a
/// VAE or a PixelCNN is one player; a VAE-GAN with a code discriminator is three.
///
/// ```swift
/// let flow = try Player(name: "flow", module: model, optimizer: Adam(for: model, learningRate: 1e-3),
///                       options: PlayerOptions(gradientClipNorm: 100)) { batch, _ in
///     PlayerLoss(try model.logLikelihood(batch.inputs).mean() * -1)
/// }
/// ```
public final class Player {
    /// The player's name: its metrics' prefix and its entries in checkpoints.
    public let name: String
    public let module: Module
    /// The module's parameters, listed once when the player is made (reflection over the
    /// module every step cost half of a small network's step); a module changed afterwards
    /// needs a new player.
    public let parameters: NamedParameters
    public let optimizer: any Optimizer
    /// Optimiser steps per iteration (n_disc for a GAN's discriminator).
    public let steps: Int
    public let options: PlayerOptions
    /// The parameter average, when `options.averagingDecay` is set.
    public let averaging: ParameterAveraging?
    public let loss: PlayerLossFunction
    /// The learning rate the schedule scales.
    public let baseLearningRate: Float

    public init(name: String, module: Module, optimizer: any Optimizer, steps: Int = 1,
                options: PlayerOptions = PlayerOptions(), loss: @escaping PlayerLossFunction) throws {
        guard !name.isEmpty, !name.contains("/"), !name.contains(".") else {
            throw TrainingError.invalidSetting("player name '\(name)' must be non-empty, without '/' or '.'")
        }
        guard steps >= 1 else { throw TrainingError.invalidSetting("player '\(name)' takes \(steps) steps; it needs ≥ 1") }
        guard optimizer.module === module else {
            throw TrainingError.invalidSetting("player '\(name)': the optimiser updates another module than the player's")
        }
        try options.validate(player: name)
        try module.checkReflectable()
        self.name = name
        self.module = module
        parameters = module.namedParameters
        var firstPath: [ObjectIdentifier: String] = [:]
        for (path, parameter) in parameters {
            if let other = firstPath.updateValue(path, forKey: ObjectIdentifier(parameter)) {
                throw TrainingError.invalidSetting("player '\(name)': one parameter is reachable as '\(other)' and '\(path)'; its "
                                                   + "optimiser would step it twice — keep one reference a module owns")
            }
        }
        self.optimizer = optimizer
        self.steps = steps
        self.options = options
        self.averaging = try options.averagingDecay.map { try ParameterAveraging(module: module, decay: $0) }
        self.loss = loss
        baseLearningRate = optimizer.learningRate
    }

    /// Runs `body` with this player's averaged parameters when it keeps an average
    /// (evaluation), with its trained ones otherwise.
    public func withEvaluationParameters<R>(_ body: () throws -> R) rethrows -> R {
        guard let averaging else { return try body() }
        return try averaging.withAveragedParameters(body)
    }
}
