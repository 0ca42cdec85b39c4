import NeuralNet
import TensorCore
import Training

/// A hybrid's training procedure: up to three players of one `TrainingProcedure`, each on
/// its own fresh real batch, trained jointly (BMS, App. B) in this order:
///
/// - `critic` (`criticSteps` steps; only with a synthetic likelihood): `criticLoss`;
/// - `code` (`criticSteps` steps; only with a code discriminator): `codeLoss`;
/// - `model`, the encoder and the generator together (one step): `modelLoss`, with
///   metrics `model.reconstruction`, `model.synthetic`, `model.prior`.
///
/// Every draw (posterior noise, prior samples) comes from the `latent` stream.
///
/// ```swift
/// let objective = try HybridObjective(components: HybridModel.bms.components, samples: 10)
/// let procedure = try HybridTraining.procedure(networks, objective: objective, batchSize: 64,
///                                              optimizer: OptimizerSettings(), seed: 0) { count, random in
///     try mixture.sampleBatch(count: count, random: &random)
/// }
/// ```
public enum HybridTraining {
    public static let streams = ["latent"]

    public static func procedure(_ networks: HybridNetworks, objective: HybridObjective, batchSize: Int,
                                 criticSteps: Int = 1, optimizer: OptimizerSettings, seed: UInt64,
                                 group: any ProcessGroup = DataParallel.world,
                                 data: @escaping BatchSource) throws -> TrainingProcedure {
        var players: [Player] = []
        func player(_ name: String, _ module: Module, steps: Int,
                    loss: @escaping (Tensor, inout RandomStream) throws -> PlayerLoss) throws -> Player {
            try Player(name: name, module: module, optimizer: optimizer.makeOptimizer(for: module), steps: steps,
                       options: optimizer.playerOptions) { batch, streams in
                try streams.with("latent") { try loss(batch.inputs, &$0) }
            }
        }
        if let critic = networks.critic {
            players.append(try player("critic", critic, steps: criticSteps) { x, random in
                PlayerLoss(try objective.criticLoss(networks, real: x, random: &random))
            })
        }
        if let code = networks.codeDiscriminator {
            players.append(try player("code", code, steps: criticSteps) { x, random in
                PlayerLoss(try objective.codeLoss(networks, real: x, random: &random))
            })
        }
        players.append(try player("model", networks.model, steps: 1) { x, random in
            let (loss, metrics) = try objective.modelLoss(networks, real: x, random: &random)
            return PlayerLoss(loss, metrics: metrics)
        })
        return try TrainingProcedure(players: players, batchSize: batchSize, seed: seed, streams: streams, group: group, data: data)
    }
}
