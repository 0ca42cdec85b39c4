import DensityExperiments
import ExperimentRuns
import Foundation
import Training

/// The sizes of one `make chapter3` invocation. `default` fits 30 minutes on our 2 cores (a
/// small PixelCNN++ and top-down VAE on MNIST-5k, 160 iterations); `smoke` checks the
/// pipeline in a few minutes; `thesis` is the CIFAR-10 protocol of spec §2.5 with PixelCNN++'s
/// CIFAR-10 network (data/cifar10-{train,test}.h5, converted by the user).
struct Chapter3Scale {
    var name: String
    var iterations: Int
    var pretrainIterations: Int
    var batchSize: Int
    var seeds: [UInt64]
    /// PixelCNN++: filters, gated blocks per level, levels, mixture components, dropout.
    var filters: Int
    var blocks: Int
    var resolutions: Int
    var components: Int
    var dropout: Float
    /// The VAE: channels, stochastic layers, latent channels per layer.
    var features: Int
    var groups: Int
    var latentChannels: Int
    /// λ of the table's AGAVE rows (every seed) and of the Fig. 3.4 sweep (first seed only).
    var tableLambdas: [Float]
    var sweepLambdas: [Float]
    /// λ of the quantisation sweep and its levels b besides 256 (Fig. 3.8; first seed).
    var levelsLambda: Float
    var levels: [Int]
    /// Down-sampling factors of the auxiliary image at λ = `levelsLambda` (Fig. 3.9c, d: 2 and 4
    /// make 16×16 and 8×8 of CIFAR's 32×32, 14×14 and 7×7 of MNIST's 28×28; first seed).
    var downsamplings: [Int]
    /// Steps of the control experiment (the auxiliary loss dropped) and its KL record interval.
    var controlIterations: Int
    var controlEvery: Int
    /// IWAE samples and test images of the evaluation (and training images), images of each
    /// run's sample grid.
    var importanceSamples: Int
    var evaluationRows: Int?
    var trainEvaluationRows: Int?
    var gridSamples: Int
    /// Data prefix (`-train.h5`, `-test.h5`); nil: MNIST-5k made in the output folder.
    var dataPrefix: String?
    /// Polyak averaging of the parameters, evaluated and sampled (PixelCNN++'s 0.9995 at the
    /// thesis scale; too slow to matter in a few hundred steps).
    var averagingDecay: Float?
    /// Also the 4-bit grayscale auxiliary of colour data at λ = `levelsLambda` (Fig. 3.9a; RGB
    /// data only — on MNIST y is already grey and `levels` covers 16).
    var grayscaleAuxiliary = false

    static func named(_ name: String) throws -> Chapter3Scale {
        switch name {
        case "smoke":
            return Chapter3Scale(name: name, iterations: 6, pretrainIterations: 2, batchSize: 8, seeds: [0], filters: 4, blocks: 1,
                                 resolutions: 2, components: 2, dropout: 0, features: 4, groups: 1, latentChannels: 2,
                                 tableLambdas: [2], sweepLambdas: [8], levelsLambda: 2, levels: [8], downsamplings: [2], controlIterations: 4,
                                 controlEvery: 1, importanceSamples: 4, evaluationRows: 8, trainEvaluationRows: 4, gridSamples: 2,
                                 dataPrefix: nil)
        case "default":
            return Chapter3Scale(name: name, iterations: 160, pretrainIterations: 40, batchSize: 32, seeds: [0, 1], filters: 16,
                                 blocks: 1, resolutions: 2, components: 3, dropout: 0, features: 16, groups: 2, latentChannels: 8,
                                 tableLambdas: [2, 8], sweepLambdas: [1, 4, 12], levelsLambda: 8, levels: [32, 4], downsamplings: [2, 4],
                                 controlIterations: 100, controlEvery: 5, importanceSamples: 150, evaluationRows: 32,
                                 trainEvaluationRows: 8, gridSamples: 8, dataPrefix: nil)
        case "thesis":
            return Chapter3Scale(name: name, iterations: 200_000, pretrainIterations: 50_000, batchSize: 64, seeds: [0, 1],
                                 filters: 160, blocks: 5, resolutions: 3, components: 10, dropout: 0.5, features: 64, groups: 2,
                                 latentChannels: 32, tableLambdas: [2, 12], sweepLambdas: [1, 4, 8], levelsLambda: 8,
                                 levels: [64, 32, 16, 8], downsamplings: [2, 4], controlIterations: 4_000, controlEvery: 50, importanceSamples: 150,
                                 evaluationRows: nil, trainEvaluationRows: 1_000, gridSamples: 64, dataPrefix: "data/cifar10",
                                 averagingDecay: 0.9995, grayscaleAuxiliary: true)
        default:
            throw ConfigError("unknown scale '\(name)'; use default, smoke or thesis")
        }
    }

    /// A density run of this scale on `prefix`'s images: Adamax 0.002 (spec §2.5), the scale's
    /// networks and evaluation, `model` with `tag`.
    func config(_ model: DensityModelKind, tag: String, seed: UInt64, prefix: String, iterations: Int? = nil,
                historyEvery: Int? = nil) -> DensityRunConfig {
        var config = DensityRunConfig()
        let steps = iterations ?? self.iterations
        config.schedule = TrainingSchedule(iterations: steps, historyEvery: historyEvery ?? max(1, steps / 20),
                                           checkpointEvery: max(1, steps / 4), seed: seed)
        config.optimizer = OptimizerSettings(optimizer: .adamax, learningRate: 0.002)
        config.optimizer.averagingDecay = averagingDecay
        config.model = model
        config.tag = tag
        config.data = prefix + "-train.h5"
        config.testData = prefix + "-test.h5"
        config.batchSize = batchSize
        config.pixelcnnFilters = filters
        config.pixelcnnBlocks = blocks
        config.pixelcnnResolutions = resolutions
        config.mixtureComponents = components
        config.dropout = dropout
        config.features = features
        config.groups = groups
        config.latentChannels = latentChannels
        config.observation = .discretizedLogistic
        config.evaluationImportanceSamples = importanceSamples
        config.evaluationRows = evaluationRows
        config.trainEvaluationRows = trainEvaluationRows
        config.gridSamples = gridSamples
        return config
    }

    /// AGAVE with λ, b levels of the auxiliary image, its down-sampling factor and whether it is
    /// x's luminance (the naive model: `naive`).
    func agave(lambda: Float, levels: Int = 256, downsampling: Int = 1, grayscale: Bool = false, naive: Bool = false,
               seed: UInt64, prefix: String) -> DensityRunConfig {
        let tag = naive ? "naive" : "l\(Self.label(lambda))-b\(levels)" + (downsampling > 1 ? "-d\(downsampling)" : "")
            + (grayscale ? "-grey" : "")
        var config = self.config(.agave, tag: tag, seed: seed, prefix: prefix)
        config.klWeight = naive ? 1 : lambda
        config.auxiliaryWeight = naive ? 0 : 1
        config.auxiliaryLevels = levels
        config.auxiliaryDownsampling = downsampling
        config.auxiliaryGrayscale = grayscale
        config.pretrainIterations = naive ? 0 : pretrainIterations
        return config
    }

    /// Every run but the control: the table's rows at every seed, the λ, levels and
    /// down-sampling sweeps at the first.
    func configs(prefix: String) -> [DensityRunConfig] {
        let table = seeds.flatMap { seed in
            [config(.pixelcnn, tag: "plain", seed: seed, prefix: prefix), config(.hvae, tag: "alone", seed: seed, prefix: prefix),
             agave(lambda: 1, naive: true, seed: seed, prefix: prefix)]
                + tableLambdas.map { agave(lambda: $0, seed: seed, prefix: prefix) }
        }
        let first = seeds[0]
        return table + sweepLambdas.map { agave(lambda: $0, seed: first, prefix: prefix) }
            + levels.map { agave(lambda: levelsLambda, levels: $0, seed: first, prefix: prefix) }
            + auxiliaryVariants(seed: first, prefix: prefix)
    }

    /// The auxiliaries of Fig. 3.9 besides the levels sweep: down-sampled y, and the 4-bit
    /// grayscale y of colour data.
    func auxiliaryVariants(seed: UInt64, prefix: String) -> [DensityRunConfig] {
        downsamplings.map { agave(lambda: levelsLambda, downsampling: $0, seed: seed, prefix: prefix) }
            + (grayscaleAuxiliary ? [agave(lambda: levelsLambda, levels: 16, grayscale: true, seed: seed, prefix: prefix)] : [])
    }

    /// The control experiment (spec §2.8, E3.4): the λ = `levelsLambda` model of the first seed,
    /// continued without its auxiliary loss (the naive objective, λ = 1), its KL recorded.
    func control(from parent: String, prefix: String) -> DensityRunConfig {
        var config = self.config(.agave, tag: "control", seed: seeds[0], prefix: prefix, iterations: controlIterations,
                                 historyEvery: controlEvery)
        config.klWeight = 1
        config.auxiliaryWeight = 0
        config.initialWeights = parent + "/checkpoint.h5"
        return config
    }

    /// λ as written in run names and tables: 2, 0.5.
    static func label(_ lambda: Float) -> String {
        lambda == lambda.rounded() ? String(Int(lambda)) : String(lambda)
    }
}
