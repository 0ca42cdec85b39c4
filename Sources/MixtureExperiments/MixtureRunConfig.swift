import Adversarial
import Datasets
import ExperimentRuns
import Foundation
import GenerativeModels

/// Everything that defines one 2D training run of chapter 4 (§4.5.1, spec §3.5–3.7), as
/// written in JSON configs (snake_case keys, below) and on the command line.
///
/// The defaults are the thesis' settings where it gives them (three hidden ReLU layers of
/// 512 units, Adam defaults, n_disc = 5, 20,000 iterations, γ = 0.3) and our documented
/// assumptions where it does not (batch size 64, mixup α = 1; spec A4.1–A4.2).
public struct MixtureRunConfig: AdversarialRunConfiguration {
    public var method: AdversarialMethod = .bgan
    /// A preset of `GaussianMixture2D.presetNames`.
    public var dataset = "squares"
    /// Overrides of the preset's layout: the number of modes (a square number for grids),
    /// the grid spacing or ring radius, and σ. `nil` keeps the preset's value.
    public var modes: Int?
    public var spacing: Double?
    public var std: Double?
    /// The mixing prior of BGAN / M-BGAN: batch smoothing-γ or Beta(a, b).
    public var prior: PriorKind = .smoothing
    /// γ ∈ [0, ½] of batch smoothing; 0 gives pure batches.
    public var gamma: Float = 0.3
    public var betaA: Float = 1
    public var betaB: Float = 1
    /// BGAN only: average the logits then the sigmoid (default), or average probabilities (A4.6).
    public var bganAggregation: AggregationKind = .logits
    /// Also train D on the complementary batch `m_{1−β}` (spec §3.3, step 6).
    public var reuseComplement = false
    public var batchSize = 64
    /// Units of each hidden layer, in both networks.
    public var width = 512
    /// Number of hidden layers, in both networks.
    public var depth = 3
    public var latentSize = 2
    /// n_disc: discriminator updates per generator update.
    public var discriminatorSteps = 5
    /// Generator updates.
    public var iterations = 20_000
    public var seed: UInt64 = 0
    public var learningRate: Float = 1e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var mixupAlpha: Float = 1
    public var penaltyWeight: Float = 10
    public var packingDegree = 2
    public var minibatchKernels = 100
    public var minibatchKernelDimension = 5
    /// Generated samples the metrics are computed on (2,500 in the issue).
    public var evaluationSamples = 2_500
    /// Iterations after which generated points are kept for the Fig. 4.3 scatter plots.
    public var snapshotIterations = [10, 100, 1_000, 10_000, 20_000]
    public var snapshotSamples = 1_000
    /// Losses are averaged over windows of this many iterations for the curves.
    public var historyEvery = 50
    /// A resumable checkpoint is written every this many iterations.
    public var checkpointEvery = 1_000

    public enum PriorKind: String, Codable, Sendable { case smoothing, beta }
    public enum AggregationKind: String, Codable, Sendable { case logits, probabilities }

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, dataset, modes, spacing, std, prior, gamma
        case betaA = "beta_a", betaB = "beta_b", bganAggregation = "bgan_aggregation"
        case reuseComplement = "reuse_complement", batchSize = "batch_size", width, depth
        case latentSize = "latent_size", discriminatorSteps = "n_disc", iterations, seed
        case learningRate = "learning_rate", beta1 = "adam_beta1", beta2 = "adam_beta2"
        case mixupAlpha = "mixup_alpha", penaltyWeight = "gp_weight", packingDegree = "pack"
        case minibatchKernels = "minibatch_kernels", minibatchKernelDimension = "minibatch_kernel_dim"
        case evaluationSamples = "evaluation_samples", snapshotIterations = "snapshot_iterations"
        case snapshotSamples = "snapshot_samples", historyEvery = "history_every", checkpointEvery = "checkpoint_every"
    }

    public static var configKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        switch key {
        case CodingKeys.method.rawValue: return AdversarialMethod.allCases.map(\.rawValue)
        case CodingKeys.prior.rawValue: return ["smoothing", "beta"]
        case CodingKeys.bganAggregation.rawValue: return ["logits", "probabilities"]
        default: return nil
        }
    }
}

extension MixtureRunConfig {
    /// How the table names the loss placement: the BGAN aggregation, M-BGAN's per-sample
    /// loss, or `per-sample` for the methods whose discriminator judges samples one by one.
    public var lossPlacementLabel: String {
        switch method {
        case .bgan: return bganAggregation == .logits ? "batch: sigmoid(mean logit)" : "batch: mean sigmoid"
        case .mbgan: return "per-sample, then mean"
        case .pacgan: return "per-pack"
        default: return "per-sample"
        }
    }

    /// The γ column of the table: the smoothing γ for mixed-batch methods, nil otherwise.
    public var gammaLabel: Float? { method.usesMixedBatches && prior == .smoothing ? gamma : nil }

    /// A name for folders and manifests, e.g. `squares-bgan-g0.3-s0` (`-b16` for a batch size
    /// other than the default).
    public var runName: String {
        var parts = [dataset, method.rawValue]
        if method.usesMixedBatches {
            parts.append(prior == .smoothing ? "g\(gamma)" : "beta\(betaA)-\(betaB)")
            if method == .bgan && bganAggregation == .probabilities { parts.append("meanprob") }
            if reuseComplement { parts.append("reuse") }
        }
        if batchSize != MixtureRunConfig().batchSize { parts.append("b\(batchSize)") }
        parts.append("s\(seed)")
        return parts.joined(separator: "-")
    }

    /// The mixture this run trains on, with the layout overrides applied.
    public func makeMixture() throws -> GaussianMixture2D {
        let preset = try GaussianMixture2D.named(dataset)
        guard modes != nil || spacing != nil || std != nil else { return preset }
        let sigma = std ?? Double(preset.standardDeviation)
        let centers = preset.centerScalars.map(Double.init)
        if dataset == "squares" || dataset == "grid25" {
            let count = modes ?? preset.modeCount
            let side = Int(Double(count).squareRoot().rounded())
            guard side * side == count else {
                throw ConfigError("modes = \(count) is not a square number; the '\(dataset)' grid needs side² modes (e.g. 25 or 49)")
            }
            let presetSpacing = centers[2] - centers[0]
            return try GaussianMixture2D.squares(modesPerSide: side, spacing: spacing ?? presetSpacing,
                                                 standardDeviation: sigma, name: dataset)
        }
        let radius = (centers[0] * centers[0] + centers[1] * centers[1]).squareRoot()
        return try GaussianMixture2D.circles(modeCount: modes ?? preset.modeCount, radius: spacing ?? radius,
                                             standardDeviation: sigma, name: dataset)
    }

    /// The objective's settings.
    public var objectiveOptions: ObjectiveOptions {
        var options = ObjectiveOptions()
        options.prior = prior == .smoothing ? .batchSmoothing(gamma: gamma) : .beta(a: betaA, b: betaB)
        options.bganAggregation = bganAggregation == .logits ? .averageLogits : .averageProbabilities
        options.reusesComplement = reuseComplement
        options.mixupAlpha = mixupAlpha
        options.penaltyWeight = penaltyWeight
        return options
    }

    /// The discriminator's sizes.
    public var discriminatorShape: VectorDiscriminatorShape {
        var shape = VectorDiscriminatorShape(inputSize: 2, hiddenSizes: Array(repeating: width, count: depth))
        shape.packingDegree = packingDegree
        shape.minibatchKernels = minibatchKernels
        shape.minibatchKernelDimension = minibatchKernelDimension
        return shape
    }

    /// Throws a `ConfigError` naming the first setting that cannot be run and how to fix it.
    public func validate() throws {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw ConfigError(message()) }
        }
        do { _ = try makeMixture() } catch let error as DatasetError { throw ConfigError("\(error)") }
        try require((0...0.5).contains(gamma), "gamma = \(gamma) must be in [0, 0.5] (0: pure batches, 0.5: uniform prior)")
        try require(betaA > 0 && betaB > 0, "beta_a = \(betaA) and beta_b = \(betaB) must be positive")
        for (name, value) in [("batch_size", batchSize), ("width", width), ("depth", depth), ("latent_size", latentSize),
                              ("n_disc", discriminatorSteps), ("iterations", iterations), ("pack", packingDegree),
                              ("minibatch_kernels", minibatchKernels), ("minibatch_kernel_dim", minibatchKernelDimension),
                              ("evaluation_samples", evaluationSamples), ("snapshot_samples", snapshotSamples),
                              ("history_every", historyEvery), ("checkpoint_every", checkpointEvery)] {
            try require(value >= 1, "\(name) = \(value) must be ≥ 1")
        }
        try require(method != .pacgan || batchSize % packingDegree == 0,
                    "batch_size = \(batchSize) must be a multiple of pack = \(packingDegree) for PacGAN")
        try require(learningRate > 0 && learningRate.isFinite, "learning_rate = \(learningRate) must be positive")
        try require((0..<1).contains(beta1) && (0..<1).contains(beta2), "adam_beta1 and adam_beta2 must be in [0, 1)")
        try require(mixupAlpha > 0, "mixup_alpha = \(mixupAlpha) must be positive")
        try require(penaltyWeight >= 0, "gp_weight = \(penaltyWeight) must be ≥ 0")
        try require(snapshotIterations.allSatisfy { $0 >= 1 }, "snapshot_iterations must all be ≥ 1")
    }
}
