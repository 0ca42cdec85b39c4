import NeuralNet
import TensorCore

/// Draws a batch of `count` rows from the data, using `random` (the procedure's `data` stream).
public typealias BatchSource = (_ count: Int, _ random: inout RandomStream) throws -> Batch

/// The one training loop of the framework: a list of players, each taking its steps in
/// turn every iteration on fresh batches, with the other players frozen.
///
/// Each step draws a batch of `batchSize` rows from `data` (stream `data`), evaluates the
/// player's loss, stops with `TrainingError.nonFiniteLoss` (before any update) when it is
/// NaN or infinite, clips the gradients, sets the scheduled learning rate, takes the
/// optimiser step and updates the parameter average. `trainIteration` returns the metrics
/// of the iteration: `<player>.loss` and the player's own, each averaged over its steps.
///
/// **Data parallelism.** With a `group` of several processes (`DataParallel.world` under
/// `mpirun`), every process draws the same global batch and keeps its shard of
/// `batchSize / size` rows, the players' losses run with the group current (so layers that
/// look at the whole batch see the global one: `batchMean`, `allReduced`), and the
/// gradients, the loss and the metrics are averaged over the processes in one fused
/// all-reduce before the (then identical) optimiser step. A loss whose per-row random draws
/// are made for the global batch (`ProcessGroup.drawLocalRows`, `Tensor.localShard`) thus
/// trains the single-process model; the processes' parameters, optimiser states and
/// streams stay identical, which is checked before the first step and at every
/// `checkReplicas()`.
///
/// ```swift
/// let procedure = try TrainingProcedure(players: [discriminator, generator], batchSize: 64, seed: 0,
///                                       streams: ["latent", "objective"]) { count, random in
///     try mixture.sampleBatch(count: count, random: &random)
/// }
/// for _ in 0..<2_000 { try procedure.trainIteration() }
/// ```
public final class TrainingProcedure {
    public let players: [Player]
    public let batchSize: Int
    public let data: BatchSource
    public var streams: RandomStreams
    /// Completed iterations.
    public var iteration = 0
    /// The processes training this model together (one: `SingleProcess`).
    public let group: any ProcessGroup
    /// For each player, the parameters of the others that are not its own (frozen during its steps).
    private let othersParameters: [ParameterGroup]
    /// Whether the processes were checked to start from the same state.
    fileprivate var replicasChecked = false

    /// `streams` names the streams beyond `data` that the players draw from. `group` shards
    /// every batch over its processes (see above); pass `DataParallel.world` only when the
    /// players' per-row draws are made for the global batch.
    public init(players: [Player], batchSize: Int, seed: UInt64, streams: [String] = [],
                group: any ProcessGroup = SingleProcess.shared, data: @escaping BatchSource) throws {
        guard !players.isEmpty else { throw TrainingError.invalidSetting("a procedure needs at least one player") }
        guard batchSize >= 1 else { throw TrainingError.invalidSetting("batch size \(batchSize) must be ≥ 1") }
        guard batchSize % group.size == 0 else {
            throw TrainingError.invalidSetting("batch size \(batchSize) does not split over \(group.size) processes; choose a "
                                               + "multiple of \(group.size), or start a number of processes that divides it")
        }
        let names = players.map(\.name)
        guard Set(names).count == names.count else {
            throw TrainingError.invalidSetting("player names \(names) must be distinct")
        }
        self.players = players
        self.batchSize = batchSize
        self.data = data
        self.streams = RandomStreams(seed: seed, names: ["data"] + streams)
        self.group = group
        let parameters = players.map { $0.parameters.map(\.parameter) }
        othersParameters = parameters.indices.map { index in
            let own = Set(parameters[index].map(ObjectIdentifier.init))
            var seen = Set<ObjectIdentifier>()
            return ParameterGroup(parameters.indices.filter { $0 != index }.flatMap { parameters[$0] }.filter {
                !own.contains(ObjectIdentifier($0)) && seen.insert(ObjectIdentifier($0)).inserted
            })
        }
    }

    /// The player named `name`.
    public func player(_ name: String) throws -> Player { players[try index(of: name)] }

    private func index(of name: String) throws -> Int {
        guard let index = players.firstIndex(where: { $0.name == name }) else {
            throw TrainingError.invalidSetting("no player '\(name)' (players: \(players.map(\.name)))")
        }
        return index
    }

    /// One iteration: every player's steps in order. Returns the iteration's metrics.
    @discardableResult
    public func trainIteration() throws -> [String: Float] {
        if !replicasChecked { try checkReplicas() }
        var metrics: [String: Float] = [:]
        for (index, player) in players.enumerated() {
            var totals: [String: Float] = [:]
            for _ in 0..<player.steps {
                let step = try takeStep(player, frozen: othersParameters[index])
                for (name, value) in step { totals[name, default: 0] += value }
            }
            for (name, total) in totals { metrics["\(player.name).\(name)"] = total / Float(player.steps) }
        }
        iteration += 1
        return metrics
    }

    /// One optimiser step of the player named `name` alone (benchmarks, debugging): its
    /// metrics. Does not count as an iteration.
    @discardableResult
    public func trainStep(of name: String) throws -> [String: Float] {
        let index = try index(of: name)
        return try takeStep(players[index], frozen: othersParameters[index])
    }

    /// One optimiser step of `player`; its loss (as `loss`) and metrics.
    private func takeStep(_ player: Player, frozen: ParameterGroup) throws -> [String: Float] {
        let batch = try streams.with("data") { try data(batchSize, &$0) }.localShard(in: group)
        var metrics: [String: Float] = [:]
        let (loss, computed) = try DataParallel.with(group) {
            try frozen.frozen {
                try valueAndGradient(wrt: player.parameters) {
                    let output = try player.loss(batch, &streams)
                    metrics = output.metrics
                    return output.loss
                }
            }
        }
        var value = loss.scalar
        var gradients = computed
        if group.size > 1 { try group.average(&gradients, loss: &value, metrics: &metrics) }
        guard value.isFinite else {
            throw TrainingError.nonFiniteLoss(iteration: iteration + 1, player: player.name, value: value)
        }
        metrics["loss"] = value
        if let maxNorm = player.options.gradientClipNorm {
            metrics["gradient_norm"] = Float(gradients.clipGlobalNorm(to: maxNorm))
        }
        if !player.options.schedule.isConstant {
            let factor = player.options.schedule.factor(atStep: player.optimizer.stepCount + 1)
            player.optimizer.learningRate = Float(Double(player.baseLearningRate) * factor)
        }
        do {
            try player.optimizer.step(gradients: gradients, parameters: player.parameters)
        } catch let OptimizerError.nonFiniteState(_, path, _) {
            throw TrainingError.nonFiniteState(iteration: iteration + 1, player: player.name, path: path)
        }
        player.averaging?.update()
        return metrics
    }
}

extension TrainingProcedure {
    /// Throws `TrainingError.nonFiniteState` naming the first parameter, optimiser state or
    /// parameter average that holds a NaN or an infinity (checked before every checkpoint, so
    /// that no checkpoint and no "completed" run carries one).
    public func checkFiniteState() throws {
        for player in players {
            var tensors = player.parameters.map { ($0.path, $0.parameter.tensor) }
            tensors += player.optimizer.state.tensors.sorted { $0.key < $1.key }.map { ("optimizer state \($0.key)", $0.value) }
            for (path, tensor) in tensors where !tensor.withUnsafeScalars({ pointer in
                UnsafeBufferPointer(start: pointer, count: tensor.count).allSatisfy(\.isFinite)
            }) {
                throw TrainingError.nonFiniteState(iteration: iteration, player: player.name, path: path)
            }
        }
    }

    /// Runs `body` with the averaged parameters of every player that keeps an average (what
    /// evaluation and sampling use), the trained ones of the others; puts the trained ones back.
    public func withEvaluationParameters<R>(_ body: () throws -> R) throws -> R {
        func nested(from index: Int) throws -> R {
            guard index < players.count else { return try body() }
            return try players[index].withEvaluationParameters { try nested(from: index + 1) }
        }
        return try nested(from: 0)
    }
}

extension TrainingProcedure {
    /// Throws unless every process of the group holds the same parameters, optimiser states,
    /// parameter averages, random streams and iteration (a no-op on one process). Runs before
    /// the first step of a session; run it after restoring state or before a checkpoint.
    public func checkReplicas() throws {
        defer { replicasChecked = true }
        guard group.size > 1 else { return }
        var hash = FNV1aHash()
        func combine(_ words: [UInt64]) { words.withUnsafeBytes { hash.combine(bytes: $0) } }
        combine([UInt64(iteration)])
        for name in streams.names {
            hash.combine(bytes: name.utf8)
            let stream = streams.byName[name]!
            combine([stream.key, stream.counter])
        }
        for player in players {
            var tensors = player.parameters.map { ($0.path, $0.parameter.tensor) }
            tensors += player.optimizer.state.tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            tensors += player.module.namedBuffers.map { ($0.path, $0.buffer.wrappedValue) }
            if let averaging = player.averaging {
                tensors += player.parameters.compactMap { entry in averaging.average(of: entry.path).map { (entry.path, $0) } }
            }
            for (path, tensor) in tensors {
                hash.combine(bytes: path.utf8)
                tensor.scalars.withUnsafeBytes { hash.combine(bytes: $0) }
            }
        }
        try group.checkReplicasAgree(hash.value, what: "parameters, optimiser states, buffers or random streams")
    }
}

extension ProcessGroup {
    /// Averages the gradients, the loss and the metrics over the group in one all-reduce
    /// (one flat buffer: gradients by path, then the loss, then the metrics by name).
    func average(_ gradients: inout Gradients, loss: inout Float, metrics: inout [String: Float]) throws {
        let paths = gradients.paths, names = metrics.keys.sorted()
        let sizes = paths.map { gradients[$0]!.count }
        var flat = [Float](repeating: 0, count: sizes.reduce(0, +) + 1 + names.count)
        try flat.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            for (path, count) in zip(paths, sizes) {
                gradients[path]!.withUnsafeScalars { (buffer.baseAddress! + offset).update(from: $0, count: count) }
                offset += count
            }
            buffer[offset] = loss
            for (index, name) in names.enumerated() { buffer[offset + 1 + index] = metrics[name]! }
            try allReduceSum(buffer)
            let scale = 1 / Float(size)
            offset = 0
            for (path, count) in zip(paths, sizes) {
                let source = buffer.baseAddress! + offset
                gradients[path] = Tensor(shape: gradients[path]!.shape) { out, _ in
                    for i in 0..<count { out[i] = source[i] * scale }
                }
                offset += count
            }
            loss = buffer[offset] * scale
            for (index, name) in names.enumerated() { metrics[name] = buffer[offset + 1 + index] * scale }
        }
    }
}
