import Adversarial
import Hybrid
import Training

/// One row of the BMS 2D table: a GAN of `method` or a `hybrid` with T samples.
public struct HybridVariant: Equatable, Sendable {
    public var method: AdversarialMethod
    public var hybrid: HybridModel?
    public var samples: Int

    public init(_ method: AdversarialMethod) {
        self.method = method
        hybrid = nil
        samples = 1
    }

    public init(_ hybrid: HybridModel, samples: Int = 1) {
        method = .gan
        self.hybrid = hybrid
        self.samples = samples
    }

    public init(of config: MixtureRunConfig) {
        method = config.method
        hybrid = config.hybrid.hybrid
        samples = config.hybrid.hybrid == nil ? 1 : config.samples
    }

    /// `GAN`, `PacGAN (m = 2)`, `BMS-VAE-GAN (T = 10)`.
    public var label: String {
        guard let hybrid else { return method.entry.name }
        return hybrid.usesBestOfMany || samples > 1 ? "\(hybrid.displayName) (T = \(samples))" : hybrid.displayName
    }

    /// `base` with this row's method or hybrid.
    public func configure(_ base: MixtureRunConfig) -> MixtureRunConfig {
        var config = base
        config.method = method
        config.hybrid.hybrid = hybrid
        config.samples = samples
        return config
    }
}

/// How big `make bms` is, and what it runs.
///
/// - `table`: the BMS paper's 2D table (grid and ring, ≥ 5 seeds) at its protocol
///   (`MixtureProtocol.bms`) — GAN, PacGAN, WAE, α-GAN, α-GAN + SN and BMS-VAE-GAN over T;
/// - `pacgan`: our GAN and PacGAN rows at PacGAN's protocol (beside its Table 1);
/// - `mixup`: chapter 4's Fig. 4.3 rows (GAN, mixup, BGAN γ = 0.3, M-BGAN γ = 0.3) at the
///   mixup protocol §4.5.1 names.
///
/// `default` fits on two cores (on the 2.0 GHz Xeon: table 14 min, pacgan 9 min, mixup 45 min);
/// `paper` runs the published budgets (hours per run); `smoke` checks the pipeline in a minute.
public struct BMSScale: Equatable, Sendable {
    public var name: String
    /// Iterations and batch size of the table's runs (the BMS protocol: 100,000 at batch 500).
    public var tableIterations: Int
    public var tableBatchSize: Int
    /// The T of the BMS-VAE-GAN rows.
    public var samples: [Int]
    /// Iterations of the PacGAN-protocol runs (published: 400,000) and of the mixup-protocol runs (20,000).
    public var pacganIterations: Int
    public var mixupIterations: Int
    /// The packing degrees of the PacGAN-protocol rows (1: the GAN row).
    public var packingDegrees: [Int]
    public var seeds: [UInt64]
    /// Seeds of the protocol runs.
    public var protocolSeeds: [UInt64]

    public static let standard = BMSScale(name: "default", tableIterations: 5_000, tableBatchSize: 100, samples: [3, 10],
                                          pacganIterations: 3_000, mixupIterations: 3_000, packingDegrees: [1, 2],
                                          seeds: [0, 1, 2, 3, 4], protocolSeeds: [0, 1])
    public static let paper = BMSScale(name: "paper", tableIterations: 100_000, tableBatchSize: 500, samples: [5, 10, 30],
                                       pacganIterations: 400_000, mixupIterations: 20_000, packingDegrees: [1, 2, 3, 4],
                                       seeds: [0, 1, 2, 3, 4],
                                       protocolSeeds: Array(0..<10))
    public static let smoke = BMSScale(name: "smoke", tableIterations: 30, tableBatchSize: 32, samples: [3],
                                       pacganIterations: 30, mixupIterations: 30, packingDegrees: [1, 2, 3],
                                       seeds: [0, 1], protocolSeeds: [0])

    public static func named(_ name: String) throws -> BMSScale {
        switch name {
        case "default", "standard": return .standard
        case "paper": return .paper
        case "smoke": return .smoke
        default: throw ConfigError("unknown scale '\(name)'; use default, paper or smoke")
        }
    }

    public static let datasets = ["grid25", "ring8"]

    /// The table's rows, in the BMS paper's order.
    public var tableRows: [HybridVariant] {
        [HybridVariant(.gan), HybridVariant(.pacgan), HybridVariant(.wae), HybridVariant(.alphaGAN),
         HybridVariant(.alphaGANSN)] + samples.map { HybridVariant(.bms, samples: $0) }
    }

    /// Every run of the table.
    public func tableRuns() -> [MixtureRunConfig] {
        Self.datasets.flatMap { dataset in
            tableRows.flatMap { row in
                seeds.map { seed in
                    var config = row.configure(Self.protocolRun(.bms, dataset: dataset, seed: seed, iterations: tableIterations,
                                                                checkpoints: 4, historyPoints: 100))
                    config.batchSize = tableBatchSize
                    return config
                }
            }
        }
    }

    /// PacGAN's Table 1 rows at its protocol that this scale runs: GAN (m = 1) and PacGANm.
    public var pacganRows: [(label: String, method: AdversarialMethod, pack: Int)] {
        packingDegrees.map { $0 == 1 ? ("GAN", .gan, 1) : ("PacGAN\($0)", .pacgan, $0) }
    }

    public func pacganRuns() -> [MixtureRunConfig] {
        Self.datasets.flatMap { dataset in
            pacganRows.flatMap { row in
                protocolSeeds.map { seed in
                    var config = Self.protocolRun(.pacgan, dataset: dataset, seed: seed, iterations: pacganIterations,
                                                  checkpoints: 10, historyPoints: 200)
                    config.method = row.method
                    config.packingDegree = max(2, row.pack)
                    // PacGAN feeds its discriminator 100 packs of m samples per batch.
                    config.batchSize = 100 * row.pack
                    return config
                }
            }
        }
    }

    /// `preset`'s run on `dataset` with `seed` for `iterations`: `checkpoints` checkpoints,
    /// `historyPoints` points of each loss curve (`nil`: the preset's spacing) and one
    /// snapshot of generated points at the end.
    static func protocolRun(_ preset: MixtureProtocol, dataset: String, seed: UInt64, iterations: Int, checkpoints: Int,
                            historyPoints: Int?) -> MixtureRunConfig {
        var base = MixtureRunConfig()
        base.dataset = dataset
        var config = preset.apply(to: base)
        config.seed = seed
        config.iterations = iterations
        config.checkpointEvery = max(1, iterations / checkpoints)
        if let historyPoints { config.historyEvery = max(1, iterations / historyPoints) }
        config.snapshotIterations = [iterations]
        return config
    }

    /// Fig. 4.3's rows at the mixup protocol, one seed (the figure shows one run).
    public static let figure4_3Rows: [MethodVariant] =
        [MethodVariant(.gan), MethodVariant(.mixup), MethodVariant(.bgan, gamma: 0.3), MethodVariant(.mbgan, gamma: 0.3)]

    public func mixupRuns() -> [MixtureRunConfig] {
        ["squares", "circles"].flatMap { dataset in
            Self.figure4_3Rows.map { row in
                var config = Self.protocolRun(.mixup, dataset: dataset, seed: protocolSeeds[0], iterations: mixupIterations,
                                              checkpoints: 10, historyPoints: nil)
                config.method = row.method
                if let gamma = row.gamma { config.gamma = gamma }
                config.snapshotIterations = Array(Set([10, 100, 1_000, 10_000, 20_000].filter { $0 < mixupIterations }
                                                      + [mixupIterations])).sorted()
                return config
            }
        }
    }
}
