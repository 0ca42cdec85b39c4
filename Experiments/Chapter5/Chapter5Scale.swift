import AdaptiveDensity
import DensityExperiments
import ExperimentRuns
import FlowGAN
import ImageExperiments
import Foundation
import Training

/// The sizes of one `make chapter5` invocation. `default` fits the 30-minute budget on our 2
/// cores (NICE narrower and shorter than the paper's, on MNIST-5k); `smoke` checks the
/// pipeline in a minute; `thesis` is Flow-GAN's MNIST protocol (NICE 4 × 5 × 1000 on the
/// 50k / 10k / 10k split of full MNIST, which the user converts).
struct Chapter5Scale {
    var name: String
    var iterations: Int
    var seeds: [UInt64]
    var couplings: Int
    var hiddenLayers: Int
    var hiddenUnits: Int
    var criticFeatures: Int
    var curveEvery: Int
    var curveRows: Int
    var modeSamples: Int
    var jacobianPoints: Int
    var parzenSamples: Int
    var classifierSteps: Int
    var requiredAccuracy: Double
    /// Data prefix: `<prefix>-train.h5`, `-validation.h5`, `-test.h5`; nil: MNIST-5k made here.
    var dataPrefix: String?
    /// The ADE part (Table 5.1): iterations, batch, VAE channels, latent channels per layer,
    /// f_ψ's channels, the discriminator's width, sample-metric samples.
    var ade = ADEScale()
    /// Table 3's AIS: test images, intermediate distributions, chains per image.
    var ais = (images: 16, steps: 200, chains: 8)
    /// Figs. 4 / 8's non-invertible generators with k = d (the SNGAN standard CNN, a DCGAN, on
    /// the digits centred at 32×32, latent 1,024), trained with the JS and Wasserstein losses:
    /// iterations and width (relative to the full network), at the first seed.
    var dcgan = (iterations: 400, width: 1.0 / 16)

    struct ADEScale {
        var iterations = 400
        var batchSize = 32
        var features = 16
        var latentChannels = 8
        var flowFeatures = 8
        var discriminatorWidth = 0.125
        var metricSamples = 1_000
        var importanceSamples = 10
        /// The seeds of Table 5.2's refinement rows (the first of `seeds` when nil).
        var refinementSeeds: [UInt64]? = nil
    }

    static func named(_ name: String) throws -> Chapter5Scale {
        switch name {
        case "smoke":
            return Chapter5Scale(name: name, iterations: 20, seeds: [0], couplings: 2, hiddenLayers: 1, hiddenUnits: 64,
                                 criticFeatures: 8, curveEvery: 10, curveRows: 100, modeSamples: 200, jacobianPoints: 2,
                                 parzenSamples: 200, classifierSteps: 300, requiredAccuracy: 0.8, dataPrefix: nil,
                                 ade: ADEScale(iterations: 4, batchSize: 8, features: 8, latentChannels: 2, flowFeatures: 4,
                                               discriminatorWidth: 0.0625, metricSamples: 100, importanceSamples: 2),
                                 ais: (images: 2, steps: 5, chains: 2), dcgan: (iterations: 4, width: 1.0 / 64))
        case "default":
            return Chapter5Scale(name: name, iterations: 600, seeds: [0, 1], couplings: 4, hiddenLayers: 3, hiddenUnits: 256,
                                 criticFeatures: 16, curveEvery: 50, curveRows: 500, modeSamples: 1_000, jacobianPoints: 64,
                                 parzenSamples: 2_000, classifierSteps: 2_000, requiredAccuracy: 0.95, dataPrefix: nil)
        case "thesis":
            return Chapter5Scale(name: name, iterations: 30_000, seeds: [0, 1], couplings: 4, hiddenLayers: 5, hiddenUnits: 1_000,
                                 criticFeatures: 64, curveEvery: 1_000, curveRows: 10_000, modeSamples: 10_000,
                                 jacobianPoints: 64, parzenSamples: 10_000, classifierSteps: 10_000, requiredAccuracy: 0.99,
                                 dataPrefix: "data/mnist",
                                 ade: ADEScale(iterations: 100_000, batchSize: 64, features: 64, latentChannels: 32, flowFeatures: 32,
                                               discriminatorWidth: 1, metricSamples: 10_000, importanceSamples: 150),
                                 ais: (images: 100, steps: 1_000, chains: 16), dcgan: (iterations: 30_000, width: 1))
        default:
            throw ConfigError("unknown scale '\(name)'; use default, smoke or thesis")
        }
    }

    /// The objectives of Table 1: MLE, ADV and the hybrid with the paper's MNIST λ = 0.1.
    static let objectives: [(FlowGANObjective, Float)] = [(.mle, 0), (.adv, 0), (.hybrid, 0.1)]

    /// The k = d DCGANs' latent size: the 32×32 grey digits' dimension.
    static let dcganLatentSize = 1_024

    /// The k = d DCGAN runs of the Jacobian analysis: the standard GAN (JS) and WGAN-GP (5 critic
    /// steps, penalty 10) on `data` (digits centred at 32×32), latent 1,024, at the first seed.
    func dcganConfigs(data: String) throws -> [ImageRunConfig] {
        try [("gan", 1), ("wgan-gp", 5)].map { method, criticSteps in
            try ImageRunConfig.decode(overrides: [
                "method": method, "n_disc": criticSteps, "data": data, "latent_size": Self.dcganLatentSize, "width_multiplier": dcgan.width,
                "iterations": dcgan.iterations, "batch_size": 64, "seed": Int(seeds[0]), "jacobian_points": jacobianPoints,
                "checkpoint_every": max(1, dcgan.iterations / 4), "history_every": max(1, dcgan.iterations / 20),
                "evaluation_samples": 500, "grid_samples": 16,
            ], over: ImageRunConfig(), source: "make chapter5 (k = d DCGAN)")
        }
    }

    /// Every run's config: each objective at each seed.
    func configs(prefix: String, classifier: String) -> [FlowGANRunConfig] {
        seeds.flatMap { seed in
            Self.objectives.map { objective, weight in
                var config = FlowGANRunConfig()
                config.schedule = TrainingSchedule(iterations: iterations, historyEvery: max(1, curveEvery / 5),
                                                   checkpointEvery: max(1, iterations / 6), seed: seed)
                config.density.data = prefix + "-train.h5"
                config.density.testData = prefix + "-test.h5"
                config.validationData = prefix + "-validation.h5"
                config.density.couplings = couplings
                config.density.hiddenLayers = hiddenLayers
                config.density.hiddenUnits = hiddenUnits
                config.objective = objective
                if objective == .hybrid { config.likelihoodWeight = weight }
                config.criticFeatures = criticFeatures
                config.curveEvery = curveEvery
                config.curveRows = curveRows
                config.classifier = classifier
                config.modeSamples = modeSamples
                config.jacobianPoints = jacobianPoints
                config.parzenSamples = parzenSamples
                (config.aisImages, config.aisSteps, config.aisChains) = ais
                return config
            }
        }
    }
}

extension Chapter5Scale {
    /// Table 5.2's refinement rows beyond Table 5.1's GAN and AV-ADE: (variant, residual
    /// discriminator, wide generator, IAF posterior, f_ψ scales), in the thesis' order.
    static let refinements: [(ADEVariant, residual: Bool, wide: Bool, iaf: Bool, scales: Int)] = [
        (.gan, true, false, false, 1), (.avade, true, false, false, 1), (.avade, true, true, false, 1),
        (.avade, true, false, true, 1), (.avade, false, false, false, 2),
    ]

    /// Table 5.2's extra runs: each refinement at each of `ade.refinementSeeds`.
    func refinementConfigs(prefix: String, classifier: String?) -> [ADERunConfig] {
        (ade.refinementSeeds ?? [seeds[0]]).flatMap { seed in
            Self.refinements.map { variant, residual, wide, iaf, scales in
                var config = adeConfig(variant, seed: seed, prefix: prefix, classifier: classifier)
                config.discriminator = residual ? .residual : .standard
                config.wideGenerator = wide
                config.posteriorFlow = iaf ? .iaf : .none
                config.flowScales = scales
                return config
            }
        }
    }

    /// Table 5.1's runs: each variant at each seed, on images of `prefix` (32×32).
    func adeConfigs(prefix: String, classifier: String?) -> [ADERunConfig] {
        seeds.flatMap { seed in
            ADEVariant.allCases.map { adeConfig($0, seed: seed, prefix: prefix, classifier: classifier) }
        }
    }

    /// One run of `variant` at this scale's ADE sizes.
    private func adeConfig(_ variant: ADEVariant, seed: UInt64, prefix: String, classifier: String?) -> ADERunConfig {
        var config = ADERunConfig()
        config.schedule = TrainingSchedule(iterations: ade.iterations, historyEvery: max(1, ade.iterations / 20),
                                           checkpointEvery: max(1, ade.iterations / 4), seed: seed)
        config.variant = variant
        config.data = prefix + "-train.h5"
        config.testData = prefix + "-test.h5"
        config.batchSize = ade.batchSize
        config.features = ade.features
        config.latentChannels = ade.latentChannels
        config.flowFeatures = ade.flowFeatures
        config.discriminatorWidth = ade.discriminatorWidth
        config.metricSamples = ade.metricSamples
        config.evaluationImportanceSamples = ade.importanceSamples
        config.classifier = classifier
        // Without a classifier (CIFAR-10) the samples go to a file for Inception-v3's IS / FID.
        config.exportSamples = classifier == nil
        return config
    }
}
