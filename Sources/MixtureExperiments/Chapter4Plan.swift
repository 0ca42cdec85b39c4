import Adversarial
import ExperimentRuns
import Training

/// How big `make chapter4`'s 2D part is. `thesis` is §4.5.1's setting; `standard` (the
/// default) keeps every method, dataset and seed of the table but uses networks of width 64
/// and 2,000 iterations so the whole grid (204 runs) takes about 6.5 minutes on two cores (AMD EPYC);
/// `smoke` checks the pipeline end to end in a minute.
public struct Chapter4Scale: Equatable, Sendable {
    public var name: String
    public var width: Int
    public var depth: Int
    public var iterations: Int
    public var seeds: [UInt64]
    public var datasets: [String]
    public var checkpointEvery: Int

    public static let thesis = Chapter4Scale(name: "thesis", width: 512, depth: 3, iterations: 20_000, seeds: [0, 1, 2],
                                             datasets: ["squares", "circles", "grid25", "ring8"], checkpointEvery: 1_000)
    public static let standard = Chapter4Scale(name: "default", width: 64, depth: 3, iterations: 2_000, seeds: [0, 1, 2],
                                               datasets: ["squares", "circles", "grid25", "ring8"], checkpointEvery: 500)
    public static let smoke = Chapter4Scale(name: "smoke", width: 32, depth: 2, iterations: 40, seeds: [0, 1],
                                            datasets: ["squares", "circles"], checkpointEvery: 20)

    public static func named(_ name: String) throws -> Chapter4Scale {
        switch name {
        case "default", "standard": return .standard
        case "thesis": return .thesis
        case "smoke": return .smoke
        default: throw ConfigError("unknown scale '\(name)'; use default, thesis or smoke")
        }
    }
}

/// One row of the batch-smoothing table: a method with its settings.
public struct MethodVariant: Equatable, Sendable {
    public var method: AdversarialMethod
    public var gamma: Float?
    /// A batch size other than the default 64 (the batch-size ablation rows).
    public var batchSize: Int?

    public init(_ method: AdversarialMethod, gamma: Float? = nil, batchSize: Int? = nil) {
        self.method = method
        self.gamma = gamma
        self.batchSize = batchSize
    }

    /// The rows of the table in the order of spec §3.8's discussion: GAN, mixup, pure batches,
    /// BGAN and M-BGAN over γ, then the other batch-aware baselines and WGAN-GP.
    public static let chapter4Table: [MethodVariant] =
        [MethodVariant(.gan), MethodVariant(.mixup), MethodVariant(.bgan, gamma: 0)]
        + [0.1, 0.2, 0.3, 0.5].map { MethodVariant(.bgan, gamma: $0) }
        + [0.1, 0.2, 0.3, 0.5].map { MethodVariant(.mbgan, gamma: $0) }
        + [MethodVariant(.minibatchDiscrimination), MethodVariant(.minibatchStddev), MethodVariant(.pacgan),
           MethodVariant(.wganGP)]
        + batchSizeAblation

    /// The thesis does not give B (A4.3), and B sets both the batch statistics and the
    /// re-weighting B/(B+1): BGAN and M-BGAN at γ = 0.3 again with batches of 16.
    public static let batchSizeAblation: [MethodVariant] =
        [MethodVariant(.bgan, gamma: 0.3, batchSize: 16), MethodVariant(.mbgan, gamma: 0.3, batchSize: 16)]

    /// The methods of Fig. 4.3's scatter grid: GAN, mixup, BGAN and M-BGAN at γ = 0.3.
    public static let figure4_3: [MethodVariant] =
        [MethodVariant(.gan), MethodVariant(.mixup), MethodVariant(.bgan, gamma: 0.3), MethodVariant(.mbgan, gamma: 0.3)]

    /// The γ values of Fig. 4.2's loss curves (BGAN).
    public static let figure4_2Gammas: [Float] = [0, 0.1, 0.2, 0.3, 0.5]

    public var label: String {
        batchSize.map { "\(methodLabel), B = \($0)" } ?? methodLabel
    }

    /// The method's catalogue name; mixed-batch methods with their γ.
    private var methodLabel: String {
        let name = method.entry.name
        guard method.usesMixedBatches else { return name }
        if method == .bgan && gamma == 0 { return "pure batches (γ = 0)" }
        return "\(name) (γ = \(gamma.map { "\($0)" } ?? "?"))"
    }

    /// The variant a run's config belongs to.
    public init(of config: MixtureRunConfig) {
        self.init(config.method, gamma: config.method.usesMixedBatches ? config.gamma : nil,
                  batchSize: config.batchSize == MixtureRunConfig().batchSize ? nil : config.batchSize)
    }

    /// `base` with this variant's method and γ.
    public func apply(to base: MixtureRunConfig) -> MixtureRunConfig {
        var config = base
        config.method = method
        if let gamma { config.gamma = gamma }
        if let batchSize { config.batchSize = batchSize }
        return config
    }
}

/// Every run of chapter 4's 2D experiments at `scale`: the table's variants on every
/// dataset and seed (Fig. 4.3 and 4.2 reuse the seed-0 runs).
public func chapter4Runs(scale: Chapter4Scale) -> [MixtureRunConfig] {
    var base = MixtureRunConfig()
    base.width = scale.width
    base.depth = scale.depth
    base.iterations = scale.iterations
    base.checkpointEvery = scale.checkpointEvery
    base.historyEvery = max(1, scale.iterations / 200)
    base.snapshotIterations = [10, 100, 1_000, 10_000, 20_000].filter { $0 < scale.iterations } + [scale.iterations]
    var runs: [MixtureRunConfig] = []
    for dataset in scale.datasets {
        for variant in MethodVariant.chapter4Table {
            for seed in scale.seeds {
                var config = variant.apply(to: base)
                config.dataset = dataset
                config.seed = seed
                runs.append(config)
            }
        }
    }
    return runs
}
