import Adversarial
import ExperimentRuns
import Foundation
import Training

/// How big `make chapter4`'s image part is (§4.5.2; issue 6).
///
/// - `default`: the procedural stacked glyphs (1,000 modes), networks at 1/16 of full width,
///   2,400 generator iterations, 2 seeds — about 14 minutes on two cores (the 2.0 GHz Intel
///   Xeon; 1,600 iterations took 568 s there, 800 took 416 s), so that `make chapter4` stays
///   within 30 minutes with the 2D part (473 s there since the optimisers flush subnormal
///   moments; 805 s before). Far from converged: a CPU-sized ranking, not the thesis' numbers.
/// - `thesis`: CIFAR-10 (`data/cifar10-train.h5`, made by `mixedbatch data convert`), full
///   width, 200,000 generator iterations (the thesis' 400,000 steps of both players at
///   n_disc = 1), the Table 4.1 rows; for a bigger machine. With `data/inception-v3-fid.h5`
///   (the converted FID weights) the table gives Inception's IS and FID; every run also writes
///   its 10,000 samples (`evaluation_samples.h5`) for `mixedbatch evaluate`.
/// - `smoke`: the pipeline end to end in a minute (tiny networks, a classifier below the
///   accuracy bar, numbers meaningless).
public struct Chapter4ImageScale: Equatable, Sendable {
    public var name: String
    /// The HDF5 training images; `nil` makes the procedural glyphs in the output folder.
    public var data: String?
    public var trainingImages: Int
    /// Adam steps of the glyph classifier, and the held-out accuracy it must reach.
    public var classifierSteps: Int
    public var requiredAccuracy: Double
    public var widthMultiplier: Double
    public var iterations: Int
    public var seeds: [UInt64]
    public var evaluationSamples: Int
    public var curveEvery: Int
    public var curveSamples: Int
    public var checkpointEvery: Int
    /// Write every run's evaluated samples as HDF5 (for Inception-based IS / FID elsewhere).
    public var exportSamples = false
    public var variants: [ImageVariant]

    public static let standard = Chapter4ImageScale(
        name: "default", data: nil, trainingImages: 20_000, classifierSteps: 800, requiredAccuracy: 0.99,
        widthMultiplier: 0.0625, iterations: 2_400, seeds: [0, 1], evaluationSamples: 2_500, curveEvery: 400,
        curveSamples: 500, checkpointEvery: 400, variants: ImageVariant.table)
    public static let thesis = Chapter4ImageScale(
        name: "thesis", data: "data/cifar10-train.h5", trainingImages: 0, classifierSteps: 0, requiredAccuracy: 0,
        widthMultiplier: 1, iterations: 200_000, seeds: [0, 1], evaluationSamples: 10_000, curveEvery: 10_000,
        curveSamples: 5_000, checkpointEvery: 2_000, exportSamples: true, variants: ImageVariant.table4_1)
    public static let smoke = Chapter4ImageScale(
        name: "smoke", data: nil, trainingImages: 600, classifierSteps: 30, requiredAccuracy: 0,
        widthMultiplier: 0.0625, iterations: 6, seeds: [0], evaluationSamples: 100, curveEvery: 3, curveSamples: 50,
        checkpointEvery: 3, variants: ImageVariant.table)

    public static func named(_ name: String) throws -> Chapter4ImageScale {
        switch name {
        case "default", "standard": return .standard
        case "thesis": return .thesis
        case "smoke": return .smoke
        default: throw ConfigError("unknown scale '\(name)'; use default, thesis or smoke")
        }
    }

    /// Where `make chapter4` and `make bms` look for Inception-v3's converted FID weights: when
    /// the file exists, runs on user data (no glyph classifier) score their samples with it.
    public static let inceptionWeights = "data/inception-v3-fid.h5"

    /// The Inception weights the runs of this scale use: `inceptionWeights` for user data when
    /// it exists, else none.
    public var availableInceptionWeights: String? {
        data != nil && FileManager.default.fileExists(atPath: Self.inceptionWeights) ? Self.inceptionWeights : nil
    }

    /// The glyph classifier that scores the default scale's runs: 800 steps of
    /// `mixedbatch data glyph-classifier` (seed 0) at commit `1716cad`, weights hash
    /// `643732107fe06244`. A path relative to the repository's root, where `make` runs.
    public static let referenceClassifier = "Experiments/Chapter4/glyph-classifier.h5"

    /// The files the runs read: the procedural glyphs and their classifier, made in `folder` on
    /// first use (`GlyphAssets.prepare`; the classifier a copy of `referenceClassifier` where it
    /// matches the scale's steps, unless `trainClassifier`), or the scale's `data`, which must
    /// exist (no classifier).
    public func prepareData(in folder: String, trainClassifier: Bool = false) throws
        -> (data: String, classifier: String?, report: GlyphAssets.ClassifierReport?) {
        guard let data else {
            let assets = try GlyphAssets.prepare(in: folder, trainingImages: trainingImages, classifierSteps: classifierSteps,
                                                 requiredAccuracy: requiredAccuracy,
                                                 reference: trainClassifier ? nil : Self.referenceClassifier)
            return (assets.data, assets.classifier, assets.report)
        }
        guard FileManager.default.fileExists(atPath: data) else {
            throw ConfigError("the \(name) scale trains on \(data), which is missing; make it with "
                              + "`mixedbatch data convert --format cifar10 --input cifar-10-batches-bin --output \(data)` "
                              + "(CIFAR-10 binary version: https://www.cs.toronto.edu/~kriz/cifar.html)")
        }
        return (data, nil, nil)
    }

    /// Every run of the image table at this scale, seeds innermost; `data`, `classifier` and
    /// `availableInceptionWeights` are the files the runs read.
    public func runs(data: String, classifier: String?) -> [ImageRunConfig] {
        variants.flatMap { variant in
            seeds.map { seed in
                var config = variant.configure(ImageRunConfig())
                config.data = data
                config.classifier = classifier
                config.inceptionWeights = availableInceptionWeights
                config.widthMultiplier = widthMultiplier
                config.iterations = iterations
                config.seed = seed
                config.evaluationSamples = evaluationSamples
                config.curveEvery = curveEvery
                config.curveSamples = curveSamples
                config.checkpointEvery = checkpointEvery
                config.exportSamples = exportSamples
                config.historyEvery = max(1, min(50, iterations / 10))
                return config
            }
        }
    }
}

/// One row of the image table: a method with its discriminator and γ.
public struct ImageVariant: Equatable, Sendable {
    public var method: AdversarialMethod
    public var spectralNorm = false
    public var gamma: Float?

    public init(_ method: AdversarialMethod, spectralNorm: Bool = false, gamma: Float? = nil) {
        self.method = method
        self.spectralNorm = spectralNorm
        self.gamma = gamma
    }

    /// `config` with this variant's method, discriminator and γ.
    public func configure(_ config: ImageRunConfig) -> ImageRunConfig {
        var config = config
        config.method = method
        config.spectralNorm = spectralNorm
        if let gamma { config.gamma = gamma }
        return config
    }

    /// The variant a config belongs to.
    public init(of config: ImageRunConfig) {
        self.init(config.method, spectralNorm: config.spectralNorm, gamma: config.method.usesMixedBatches ? config.gamma : nil)
    }

    /// The rows: GAN, SN-GAN, minibatch discrimination, pure batches, BGAN and M-BGAN over γ.
    public static let table: [ImageVariant] =
        [ImageVariant(.gan), ImageVariant(.gan, spectralNorm: true), ImageVariant(.minibatchDiscrimination),
         ImageVariant(.bgan, gamma: 0)]
        + [0.3, 0.5].map { ImageVariant(.bgan, gamma: $0) }
        + [0.2, 0.3, 0.5].map { ImageVariant(.mbgan, gamma: $0) }

    /// Table 4.1's rows (the thesis quotes WGP, GP and SN from Miyato et al.; they are re-run
    /// here), γ = 0.3 within the searched [0.2, 0.5] (A4.9).
    public static let table4_1: [ImageVariant] =
        [ImageVariant(.wganGP), ImageVariant(.ganGP), ImageVariant(.gan, spectralNorm: true),
         ImageVariant(.minibatchDiscrimination),
         ImageVariant(.bgan, gamma: 0.3), ImageVariant(.mbgan, gamma: 0.3)]

    /// What the thesis reports for the variant on CIFAR-10 (Table 4.1: IS, FID), if it does.
    public var thesisCIFAR10: (inceptionScore: Double, fid: Double)? {
        switch (method, spectralNorm) {
        case (.wganGP, false): return (6.68, 40.2)
        case (.ganGP, false): return (6.93, 37.7)
        case (.gan, true): return (7.42, 29.3)
        case (.minibatchDiscrimination, _): return (7.09, 35.0)
        case (.bgan, _) where gamma != 0: return (7.05, 36.5)
        case (.mbgan, _): return (7.49, 23.7)
        default: return nil
        }
    }
}
