import Datasets
import DensityExperiments
import Evaluation
import ExperimentRuns
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// A Flow-GAN model's likelihood and sample quality at one point of training.
public struct FlowGANEvaluation: Codable, Equatable, Sendable {
    public var iteration: Int
    /// Exact NLL of the held-out images (`continuousNLL`: nats on [0, 1)^D, Flow-GAN's MNIST
    /// unit; `bpd`: discrete-data bits per dimension).
    public var test: DensityEvaluation?
    public var validation: DensityEvaluation?
    /// The MODE score of `mode_samples` samples in the digit classifier's classes.
    public var modeScore: Double?
}

/// Flow-GAN's Parzen-window check (Table 3): a Gaussian kernel density centred on the
/// generator's samples, its bandwidth chosen on validation images, scored on the test images
/// beside the flow's exact log-likelihood (both nats per image on [0, 1)^D).
public struct ParzenEstimate: Codable, Equatable, Sendable {
    public var samples: Int
    public var bandwidth: Double
    public var testLogLikelihood: Double
    public var exactTestLogLikelihood: Double
}

/// Flow-GAN's AIS check (Table 3): annealed importance sampling of ln p(x) for the generator
/// seen as a decoder with Gaussian noise σ (the Parzen bandwidth), on the first `images` test
/// images, beside the flow's exact log-likelihood of the same (dequantised) images; nats per
/// image on [0, 1)^D.
public struct AISEstimate: Codable, Equatable, Sendable {
    public var images: Int
    public var settings: AnnealedImportanceSampling
    public var noise: Double
    public var testLogLikelihood: Double
    public var exactTestLogLikelihood: Double
    /// The mean HMC acceptance rate.
    public var acceptance: Double
}

/// What a Flow-GAN run reports: the final model, the best-validated one (`best.h5`), the best
/// MODE score seen along the way, the Jacobian spectrum, and the Parzen and AIS estimates of
/// the final model.
public struct FlowGANMetrics: RunMetrics {
    public var final: FlowGANEvaluation
    public var bestValidated: FlowGANEvaluation?
    public var bestModeScore: Double?
    public var bestModeIteration: Int?
    public var jacobian: GeneratorJacobian.Spectrum?
    public var parzen: ParzenEstimate?
    /// Nil when not measured (and in results written before AIS was).
    public var ais: AISEstimate?
    public static var runKind: String { "a Flow-GAN run" }
}

/// What a Flow-GAN run keeps across sessions (in its checkpoints' training log).
public struct FlowGANExtras: Codable, Equatable, Sendable {
    public var bestValidationNLL: Double?
    public var bestValidationIteration: Int?
    public var bestModeScore: Double?
    public var bestModeIteration: Int?
    public init() {}
}

public typealias FlowGANRunResult = RunResult<FlowGANRunConfig, FlowGANMetrics, FlowGANExtras>

/// One Flow-GAN run in its own folder (spec §5; folder protocol of `ResumableTraining`): trains
/// the flow by MLE, WGAN-GP or the hybrid objective; every `curve_every` iterations records the
/// exact training and validation NLL (history `nll.train`, `nll.validation`, nats) and the MODE
/// score (`mode`), and keeps the best-validated flow in `best.h5`; at the end evaluates the final
/// and the best-validated flows on the test images, analyses the final generator's Jacobian and
/// its Parzen estimate, and writes `result.json`, `samples.png` (+ `.h5`) and `manifest.json`.
///
/// `best.h5` is written when the validation NLL improves, between checkpoints; a resumed run
/// replays the same iterations bit for bit and so rewrites it the same way. (A run continued
/// with `--allow-change` after an interruption may keep a `best.h5` from the abandoned
/// iterations; its step, not the log's, labels the best-validated evaluation.)
public final class FlowGANRun: ExperimentRun {
    public static let subcommand = "train-flowgan"
    public static let bestFileName = "best.h5"

    public let config: FlowGANRunConfig
    public let folder: String
    public var bestPath: String { folder + "/" + Self.bestFileName }

    public init(config: FlowGANRunConfig, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// The data a run reads, loaded and checked once.
    struct Data {
        var train: ImageDataset
        var validation: ImageDataset?
        var test: ImageDataset?
        var classifier: GlyphClassifier?
        var labelMarginal: [Double]?
    }

    func loadData() throws -> Data {
        let train = try DensityRun.readImages(config.density.data)
        var data = Data(train: train, validation: try config.validationData.map(DensityRun.readImages),
                        test: try config.density.testData.map(DensityRun.readImages))
        if let path = config.classifier {
            data.classifier = try GlyphClassifier.load(from: path).classifier
            guard let labels = train.labels else {
                throw ConfigError("the MODE score compares with the training labels' marginal; \(config.density.data) has no labels")
            }
            data.labelMarginal = try labelMarginal(labels)
        }
        return data
    }

    /// The flow (initialised from the run's seed), its critic and the procedure on `dataset`.
    public func makeProcedure(for dataset: ImageDataset, group: any ProcessGroup = DataParallel.world) throws
        -> (DensityModel, TrainingProcedure) {
        var random = RandomStream(seed: config.schedule.seed).split("model-init")
        let imageShape = Array(dataset.shape.dropFirst())
        let model: DensityModel
        do {
            model = try DensityModel(config.density, imageShape: imageShape, random: &random)
        } catch where error is TensorError || error is TrainingError {
            throw ConfigError("\(config.density.model.rawValue) cannot take the data's \(imageShape) images: \(error)")
        }
        let critic = config.objective == .mle ? nil
            : try FlowGANTraining.critic(imageShape: imageShape, features: config.criticFeatures, random: &random)
        let procedure = try FlowGANTraining.procedure(
            model: model, critic: critic, settings: config.flowGAN, optimizer: config.optimizer,
            batchSize: config.density.batchSize, seed: config.schedule.seed, group: group) { count, random in
            let indices = (0..<count).map { _ in random.integer(in: 0..<dataset.count) }
            return try Batch(inputs: model.inputs(fromPixels: dataset.pixelBatch(indices), random: &random))
        }
        return (model, procedure)
    }

    public func execute(resume: ResumePolicy, onIteration: ((Int) throws -> Void)? = nil) throws -> FlowGANRunResult {
        let training = ResumableTraining(config: config, folder: folder)
        if let finished = try training.finishedResult(resume: resume, as: FlowGANRunResult.self) { return finished }
        let data = try loadData()
        let (model, procedure) = try makeProcedure(for: data.train)
        let outcome = try training.train(procedure, resume: resume, log: TrainingLog(extras: FlowGANExtras()),
                                         afterIteration: { iteration, log in
            guard config.curveEvery > 0, iteration % config.curveEvery == 0 else { return }
            try recordCurves(model: model, data: data, iteration: iteration, log: &log)
        }, onIteration: onIteration)

        let clock = ContinuousClock(), start = clock.now
        let final = try evaluate(model, data: data, iteration: procedure.iteration)
        let jacobian = try analyseJacobian(of: model)
        let parzen = try parzenEstimate(of: model, data: data, exact: final.test)
        let ais = try aisEstimate(of: model, data: data, noise: parzen?.bandwidth)
        if training.isWriter {
            try model.writeSampleFiles(to: folder, count: config.density.gridSamples, seed: config.schedule.seed,
                                       source: "\(config.runName) samples after \(procedure.iteration) iterations")
        }
        var bestValidated: FlowGANEvaluation?
        if FileManager.default.fileExists(atPath: bestPath) {
            let step = try Checkpoint.restore(from: bestPath, modules: ["flow": model.module]).step
            bestValidated = try evaluate(model, data: data, iteration: step)
        }
        var extras = outcome.log.extras
        if let score = final.modeScore, score > (extras.bestModeScore ?? -.infinity) {
            (extras.bestModeScore, extras.bestModeIteration) = (score, final.iteration)
        }
        let metrics = FlowGANMetrics(final: final, bestValidated: bestValidated, bestModeScore: extras.bestModeScore,
                                     bestModeIteration: extras.bestModeIteration, jacobian: jacobian, parzen: parzen, ais: ais)
        var result = FlowGANRunResult(config: config, outcome: outcome, iterations: procedure.iteration, metrics: metrics)
        result.extras = extras
        try training.writeManifest(
            configExtras: ["parameters": .number(Double(model.module.parameterCount))], configChanges: outcome.log.configChanges,
            evaluationProtocol: [
                "data": .string(data.train.source), "test_data": data.test.map { .string($0.source) } ?? .null,
                "nll": .string("exact change-of-variables NLL at one uniform dequantisation per image, nats on [0, 1)^D "
                               + "(Flow-GAN's MNIST unit); bpd adds the \(model.scaling.offsetBits) bits of the data's scale"),
                "best_validated": .string("the flow with the lowest validation NLL among the curve points (best.h5)"),
                "mode_score": .string(data.classifier.map { "\(config.modeSamples) samples, digit classifier \($0.weightsHash), "
                                                           + "p*(y) the training labels' marginal" } ?? "not measured (no classifier)"),
                "jacobian": .string("singular values of ∂G/∂z (brute-force reverse mode, LAPACK dgesdd) at "
                                    + "\(config.jacobianPoints) prior samples, final model"),
                "parzen": .string("Gaussian KDE on \(config.parzenSamples) samples of the final model, bandwidth chosen on "
                                  + "\(config.curveRows) validation images among 20 values in [0.01, 1], scored on the test images"),
                "ais": .string(ais.map { "AIS (sigmoid schedule of \($0.settings.steps) distributions, \($0.settings.chains) chains, HMC with "
                    + "\($0.settings.leapfrogSteps) leapfrog steps) on the first \($0.images) test images, Gaussian observation noise "
                    + "σ = the Parzen bandwidth; exact log-likelihood of the same images beside it" } ?? "not measured"),
                "evaluation_seconds": .number((clock.now - start).seconds),
            ])
        try training.writeResult(result)
        return result
    }

    /// Fig. 2's points: the exact training and validation NLL on `curve_rows` images each, the
    /// MODE score; `best.h5` when the validation NLL improves.
    private func recordCurves(model: DensityModel, data: Data, iteration: Int, log: inout TrainingLog<FlowGANExtras>) throws {
        let evaluator = DensityEvaluator(model: model, importanceSamples: 1)
        let train = try evaluator.evaluate(data.train, rows: config.curveRows)
        log.history.append("nll.train", iteration: iteration, value: train.continuousNLL ?? train.nll)
        if let validationSet = data.validation {
            let validation = try evaluator.evaluate(validationSet, rows: config.curveRows)
            let nll = validation.continuousNLL ?? validation.nll
            log.history.append("nll.validation", iteration: iteration, value: nll)
            if nll.isFinite, nll < (log.extras.bestValidationNLL ?? .infinity) {
                (log.extras.bestValidationNLL, log.extras.bestValidationIteration) = (nll, iteration)
                if DataParallel.world.isWriter {
                    try Checkpoint.save(to: bestPath, step: iteration, modules: ["flow": model.module], overwrite: true)
                }
            }
        }
        if let score = try modeScore(of: model, data: data, seed: UInt64(iteration)) {
            log.history.append("mode", iteration: iteration, value: score)
            if score > (log.extras.bestModeScore ?? -.infinity) {
                (log.extras.bestModeScore, log.extras.bestModeIteration) = (score, iteration)
            }
        }
    }

    private func evaluate(_ model: DensityModel, data: Data, iteration: Int) throws -> FlowGANEvaluation {
        let evaluator = DensityEvaluator(model: model, importanceSamples: 1)
        return FlowGANEvaluation(
            iteration: iteration, test: try data.test.map { try evaluator.evaluate($0, rows: config.density.evaluationRows) },
            validation: try data.validation.map { try evaluator.evaluate($0, rows: config.density.evaluationRows) },
            modeScore: try modeScore(of: model, data: data, seed: UInt64(iteration)))
    }

    /// The MODE score of `mode_samples` samples (nil without a classifier).
    private func modeScore(of model: DensityModel, data: Data, seed: UInt64) throws -> Double? {
        guard let classifier = data.classifier, let marginal = data.labelMarginal else { return nil }
        var random = RandomStream(seed: seed).split("mode-score")
        let images = try model.sampleImages(count: config.modeSamples, random: &random)
        return try Evaluation.modeScore(probabilities: classifier.probabilities(images), dataMarginal: marginal)
    }

    private func analyseJacobian(of model: DensityModel) throws -> GeneratorJacobian.Spectrum? {
        guard config.jacobianPoints > 0, let density = model.flowDensity, let generator = model.flatGenerator else { return nil }
        var random = RandomStream(seed: config.schedule.seed).split("jacobian")
        let latents = try density.priorSample(count: config.jacobianPoints, random: &random).reshaped([config.jacobianPoints, -1])
        model.module.eval()
        defer { model.module.train() }
        return try GeneratorJacobian.spectrum(of: generator, at: latents)
    }

    private func parzenEstimate(of model: DensityModel, data: Data, exact: DensityEvaluation?) throws -> ParzenEstimate? {
        guard config.parzenSamples > 0, let validation = data.validation, let test = data.test,
              let exactNLL = exact.map({ $0.continuousNLL ?? $0.nll }) else { return nil }
        var random = RandomStream(seed: config.schedule.seed).split("parzen")
        model.module.eval()
        defer { model.module.train() }
        let samples = try model.module.sample(count: config.parzenSamples, random: &random, chunk: 100)
        let kernels = try KernelDensity(centres: samples)
        func inputs(_ dataset: ImageDataset, rows: Int?) throws -> Tensor {
            let count = min(rows ?? dataset.count, dataset.count)
            return try model.inputs(fromPixels: dataset.pixelBatch(Array(0..<count)), random: &random)
        }
        let (best, _) = try kernels.selectBandwidth(for: inputs(validation, rows: config.curveRows),
                                                    candidates: KernelDensity.logSpacedBandwidths)
        let testInputs = try inputs(test, rows: config.density.evaluationRows)
        let values = try kernels.logDensities(of: testInputs, bandwidth: best)
        return ParzenEstimate(samples: config.parzenSamples, bandwidth: best,
                              testLogLikelihood: values.reduce(0, +) / Double(values.count), exactTestLogLikelihood: -exactNLL)
    }

    /// AIS of the final generator with observation noise `noise` on the first `ais_images`
    /// test images, and the exact log-likelihood of the same dequantised images.
    private func aisEstimate(of model: DensityModel, data: Data, noise: Double?) throws -> AISEstimate? {
        guard config.aisImages > 0, let noise, let test = data.test, let decoder = model.gaussianDecoder(noise: noise) else { return nil }
        var random = RandomStream(seed: config.schedule.seed).split("ais")
        let count = min(config.aisImages, test.count)
        let inputs = try model.inputs(fromPixels: test.pixelBatch(Array(0..<count)), random: &random)
        model.module.eval()
        defer { model.module.train() }
        let exact = try withoutGradient { try model.module.logLikelihood(inputs).scalars.map(Double.init) }
        let settings = AnnealedImportanceSampling(steps: config.aisSteps, chains: config.aisChains)
        // HMC needs gradients in z only.
        let (values, acceptance) = try ParameterGroup(model.module.namedParameters.map(\.parameter)).frozen {
            try settings.logLikelihood(of: inputs.reshaped([count, -1]), model: decoder, random: &random)
        }
        return AISEstimate(images: count, settings: settings, noise: noise, testLogLikelihood: values.reduce(0, +) / Double(count),
                           exactTestLogLikelihood: exact.reduce(0, +) / Double(count), acceptance: acceptance)
    }
}
