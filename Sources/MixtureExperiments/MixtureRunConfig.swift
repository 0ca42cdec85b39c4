import Adversarial
import Datasets
import ExperimentRuns
import Foundation
import Hybrid
import NeuralNet
import Reporting
import Training

/// Everything that defines one 2D training run of chapter 4 (§4.5.1, spec §3.5–3.7), as
/// written in JSON configs (snake_case keys) and on the command line: the shared settings
/// groups (schedule, adversarial game, mixing prior, optimiser, evaluation) and the 2D
/// family's own (`MixtureSettings`), each read through the config as its own property
/// (`config.gamma`, `config.dataset`).
///
/// The defaults are the thesis' settings where it gives them (three hidden ReLU layers of
/// 512 units, Adam defaults, n_disc = 5, 20,000 iterations, γ = 0.3) and our documented
/// assumptions where it does not (batch size 64, mixup α = 1; spec A4.1–A4.2).
@dynamicMemberLookup
public struct MixtureRunConfig: AdversarialRunConfiguration, RunConfiguration {
    public var gan = AdversarialRunSettings(
        schedule: TrainingSchedule(iterations: 20_000, historyEvery: 50, checkpointEvery: 1_000),
        adversarial: AdversarialSettings(method: .bgan, latentSize: 2, discriminatorSteps: 5),
        optimizer: OptimizerSettings(learningRate: 1e-3, beta1: 0.9, beta2: 0.999),
        evaluation: EvaluationSettings(evaluationSamples: 2_500))
    public var mixture = MixtureSettings()
    /// The auto-encoding hybrid (BMS-VAE-GAN, α-GAN, WAE, …) trained instead of the GAN of
    /// `method` when `hybrid` is set.
    public var hybrid = HybridSettings()

    public init() {}

    public static var groups: [any SettingsGroup.Type] {
        AdversarialRunSettings.groups + [MixtureSettings.self, HybridSettings.self]
    }

    public init(from decoder: any Decoder) throws {
        gan = try AdversarialRunSettings(from: decoder)
        mixture = try MixtureSettings(from: decoder)
        hybrid = try HybridSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try gan.encode(to: encoder)
        try mixture.encode(to: encoder)
        try hybrid.encode(to: encoder)
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<MixtureSettings, T>) -> T {
        get { mixture[keyPath: keyPath] }
        set { mixture[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<HybridSettings, T>) -> T {
        get { hybrid[keyPath: keyPath] }
        set { hybrid[keyPath: keyPath] = newValue }
    }
}

/// The 2D family's own settings: the mixture, the networks' sizes, the batch-aware
/// baselines' layers and the Fig. 4.3 snapshots.
public struct MixtureSettings: SettingsGroup {
    /// A preset of `GaussianMixture2D.presetNames`.
    public var dataset = "squares"
    /// Overrides of the preset's layout: the number of modes (a square number for grids),
    /// the grid spacing or ring radius, and σ. `nil` keeps the preset's value.
    public var modes: Int?
    public var spacing: Double?
    public var std: Double?
    /// Units of each hidden layer, in both networks (unless overridden below).
    public var width = 512
    /// Number of hidden layers, in both networks (unless overridden below).
    public var depth = 3
    /// Per-network overrides of `width` and `depth` (PacGAN's generator is 4 × 400, its
    /// discriminator 3 × 200); `nil` keeps the shared value.
    public var generatorWidth: Int?
    public var generatorDepth: Int?
    public var discriminatorWidth: Int?
    public var discriminatorDepth: Int?
    /// The hidden layers' nonlinearity, in both networks.
    public var activation = ActivationKind.relu
    public var generatorBatchNorm = false
    public var discriminatorBatchNorm = false
    /// 1: ordinary discriminator units; k ≥ 2: maxout units with k pieces (PacGAN: 5).
    public var maxoutPieces = 1
    /// `nil`: every batch is drawn fresh from the mixture; n: a training set of n points is
    /// drawn once (from the seed) and batches are drawn from it uniformly with replacement
    /// (PacGAN trains on 100,000 points).
    public var trainingSetSize: Int?
    public var packingDegree = 2
    public var minibatchKernels = 100
    public var minibatchKernelDimension = 5
    /// Iterations after which generated points are kept for the Fig. 4.3 scatter plots.
    public var snapshotIterations = [10, 100, 1_000, 10_000, 20_000]
    public var snapshotSamples = 1_000

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataset, modes, spacing, std, width, depth, packingDegree = "pack"
        case generatorWidth = "generator_width", generatorDepth = "generator_depth"
        case discriminatorWidth = "discriminator_width", discriminatorDepth = "discriminator_depth"
        case activation, generatorBatchNorm = "generator_batch_norm", discriminatorBatchNorm = "discriminator_batch_norm"
        case maxoutPieces = "maxout_pieces", trainingSetSize = "training_set_size"
        case minibatchKernels = "minibatch_kernels", minibatchKernelDimension = "minibatch_kernel_dim"
        case snapshotIterations = "snapshot_iterations", snapshotSamples = "snapshot_samples"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        key == CodingKeys.activation.rawValue ? ActivationKind.allCases.map(\.rawValue) : nil
    }

    /// The generator's and the discriminator's hidden widths, overrides applied.
    public var generatorHiddenSizes: [Int] { Array(repeating: generatorWidth ?? width, count: generatorDepth ?? depth) }
    public var discriminatorHiddenSizes: [Int] {
        Array(repeating: discriminatorWidth ?? width, count: discriminatorDepth ?? depth)
    }

    public func validate() throws {
        try requireCounts(["width": width, "minibatch_kernels": minibatchKernels, "minibatch_kernel_dim": minibatchKernelDimension,
                           "pack": packingDegree, "generator_width": generatorWidth ?? width,
                           "discriminator_width": discriminatorWidth ?? width], in: SettingBounds.units)
        try requireCounts(["depth": depth, "generator_depth": generatorDepth ?? depth,
                           "discriminator_depth": discriminatorDepth ?? depth, "maxout_pieces": maxoutPieces],
                          in: SettingBounds.layers)
        try requireCounts(["training_set_size": trainingSetSize ?? 1], in: 1...10_000_000)
        try requireCounts(["snapshot_samples": snapshotSamples], in: SettingBounds.samples)
        try requireCounts(["modes": modes ?? 1], in: 1...10_000)
        try requireSetting(std.map { $0.isFinite && $0 > 0 } ?? true, "std = \(std ?? 0) must be a positive finite number")
        try requireSetting(spacing.map { $0.isFinite && $0 > 0 && $0 < 1e6 } ?? true,
                           "spacing = \(spacing ?? 0) must be a positive number below 10⁶")
        try requireSetting(snapshotIterations.allSatisfy { $0 >= 1 }, "snapshot_iterations must all be ≥ 1")
    }
}

extension MixtureRunConfig {
    /// The γ column of the table: the smoothing γ for mixed-batch methods, nil otherwise.
    public var gammaLabel: Float? { self.method.usesMixedBatches && self.prior == .smoothing ? self.gamma : nil }

    /// A name for folders and manifests, e.g. `squares-bgan-g0.3-s0`, `grid25-bms-T10-b100-s0`
    /// (`-b16` for a batch size other than the default, `-m3` for PacGAN's m ≠ 2).
    public var runName: String {
        var parts = [self.dataset, hybrid.hybrid?.rawValue ?? self.method.rawValue]
        if hybrid.namesSamples { parts.append("T\(self.samples)") }
        if hybrid.hybrid == nil, self.method == .pacgan, self.packingDegree != 2 { parts.append("m\(self.packingDegree)") }
        if hybrid.hybrid == nil, self.method.usesMixedBatches {
            parts.append(gan.mixing.nameComponent)
            if self.method == .bgan && self.bganAggregation == .probabilities { parts.append("meanprob") }
            if self.reuseComplement { parts.append("reuse") }
        }
        if self.batchSize != MixtureRunConfig().batchSize { parts.append("b\(self.batchSize)") }
        parts.append("s\(self.seed)")
        return parts.joined(separator: "-")
    }

    /// The mixture this run trains on, with the layout overrides applied.
    public func makeMixture() throws -> GaussianMixture2D {
        let preset = try GaussianMixture2D.named(self.dataset)
        guard self.modes != nil || self.spacing != nil || self.std != nil else { return preset }
        let sigma = self.std ?? Double(preset.standardDeviation)
        let centers = preset.centerScalars.map(Double.init)
        if self.dataset == "squares" || self.dataset == "grid25" {
            let count = self.modes ?? preset.modeCount
            let side = Int(Double(count).squareRoot().rounded())
            guard side * side == count else {
                throw ConfigError("modes = \(count) is not a square number; the '\(self.dataset)' grid needs side² modes (e.g. 25 or 49)")
            }
            let presetSpacing = centers[2] - centers[0]
            return try GaussianMixture2D.squares(modesPerSide: side, spacing: self.spacing ?? presetSpacing,
                                                 standardDeviation: sigma, name: self.dataset)
        }
        let radius = (centers[0] * centers[0] + centers[1] * centers[1]).squareRoot()
        return try GaussianMixture2D.circles(modeCount: self.modes ?? preset.modeCount, radius: self.spacing ?? radius,
                                             standardDeviation: sigma, name: self.dataset)
    }

    /// The table's name of what this run trains: the method, or the hybrid (`bms-T10`).
    public var modelLabel: String {
        guard let model = hybrid.hybrid else { return self.method.rawValue }
        return hybrid.namesSamples ? "\(model.rawValue)-T\(self.samples)" : model.rawValue
    }

    /// The discriminator's sizes.
    public var discriminatorShape: VectorDiscriminatorShape {
        var shape = VectorDiscriminatorShape(inputSize: 2, hiddenSizes: mixture.discriminatorHiddenSizes)
        shape.packingDegree = self.packingDegree
        shape.minibatchKernels = self.minibatchKernels
        shape.minibatchKernelDimension = self.minibatchKernelDimension
        shape.units = HiddenUnits(activation: self.activation, batchNorm: self.discriminatorBatchNorm,
                                  maxoutPieces: self.maxoutPieces)
        return shape
    }

    /// The generator's hidden layers' units.
    public var generatorUnits: HiddenUnits { HiddenUnits(activation: self.activation, batchNorm: self.generatorBatchNorm) }

    /// Throws a `ConfigError` naming the first setting that cannot be run and how to fix it.
    public func validate() throws {
        try gan.validate()
        try mixture.validate()
        try hybrid.validate()
        do { _ = try makeMixture() } catch let error as DatasetError { throw ConfigError("\(error)") }
        // Both networks' weights, gradients and Adam moments (4 floats each), and the activations
        // of a batch (with the mixed batches' complements) through every layer.
        let sizes = mixture.generatorHiddenSizes + mixture.discriminatorHiddenSizes
        let weights = sizes.reduce(0.0) { $0 + Double($1) * Double($1 * self.maxoutPieces + self.minibatchKernels) }
        let activations = 2 * sizes.reduce(0.0) { $0 + 4 * Double(self.batchSize * $1 * self.maxoutPieces * self.packingDegree) }
        try MemoryBudget.require(16 * weights + 4 * activations, for: "the networks",
                                 lower: "width, depth, batch_size or minibatch_kernels")
        if let model = hybrid.hybrid, model.components.synthetic == .lipschitzCritic {
            try requireSetting(self.maxoutPieces == 1 && !self.discriminatorBatchNorm,
                               "hybrid = \(model.rawValue) has a spectrally normalised critic, which takes no maxout units or "
                                   + "batch norm: set maxout_pieces = 1 and discriminator_batch_norm = false")
        }
        try requireSetting(self.method != .pacgan || self.batchSize % self.packingDegree == 0,
                           "batch_size = \(self.batchSize) must be a multiple of pack = \(self.packingDegree) for PacGAN")
    }

    public var summaryFields: [String: JSONValue] {
        ["method": .string(modelLabel), "dataset": .string(self.dataset)]
    }
}
