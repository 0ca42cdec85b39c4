import Datasets
import DensityExperiments
import Distributions
import Evaluation
import ExperimentRuns
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// Sample quality in the features of the project's classifier (spec §1.10's metrics with our
/// classifier in place of Inception): FID, KID, precision / recall against held-out images, the
/// IS analogue over its 10 classes, the MODE score against the training labels, and the PRD
/// curve (Fig. 5.11: 20 clusters, 10 runs, 1,001 slopes) in the same features.
public struct SampleQuality: Codable, Equatable, Sendable {
    public var samples: Int
    public var fid: Double
    public var kid: Double
    public var precision: Double
    public var recall: Double
    public var inceptionScore: Double
    public var modeScore: Double?
    /// Nil in results written before PRD curves were measured.
    public var precisionRecallCurve: PRDCurve?
}

/// What an adaptive-density run reports: the held-out BPD (IWAE-k and ELBO bounds; for the GAN
/// through the post-hoc inference network), sample quality, and the parameter counts (†).
public struct ADEMetrics: RunMetrics {
    public var test: DensityEvaluation?
    public var samples: SampleQuality?
    public var parameters: Int
    public var featureMapParameters: Int
    /// The VAE's channels after the parameter compensation.
    public var vaeFeatures: Int
    public static var runKind: String { "an adaptive-density run" }
}

public typealias ADERunResult = RunResult<ADERunConfig, ADEMetrics, NoExtras>

/// One run of a Table 5.1 model in its own folder (folder protocol of `ResumableTraining`).
public final class ADERun: ExperimentRun {
    public static let subcommand = "train-ade"
    public let config: ADERunConfig
    public let folder: String

    /// The scored samples, with `export_samples` (uint8 `[N, C, H, W]`).
    public var evaluationSamplesPath: String { folder + "/evaluation_samples.h5" }

    public init(config: ADERunConfig, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// The model, its discriminator and the procedure on `dataset` (initialised from the seed).
    public func makeProcedure(for dataset: ImageDataset, group: any ProcessGroup = DataParallel.world) throws
        -> (AdaptiveDensityModel, TrainingProcedure) {
        var random = RandomStream(seed: config.schedule.seed).split("model-init")
        let imageShape = Array(dataset.shape.dropFirst())
        let model: AdaptiveDensityModel
        let discriminator: (any Layer & Module)?
        do {
            model = try AdaptiveDensityModel.make(config.ade, imageShape: imageShape, random: &random)
            discriminator = config.variant.trainsQuality
                ? try ADETraining.discriminator(imageShape: imageShape, settings: config.ade, random: &random) : nil
        } catch where error is TensorError || error is TrainingError {
            throw ConfigError("\(config.modelLabel) cannot take the data's \(imageShape) images: \(error) "
                              + "(the standard discriminator takes 32×32, 48×48 or 64×64 images, the residual one sides divisible by 8; "
                              + "`groups` halvings must divide the side)")
        }
        model.evaluationSamples = config.evaluationImportanceSamples
        let procedure = try ADETraining.procedure(model: model, discriminator: discriminator, settings: config.ade,
                                                  optimizer: config.optimizer, seed: config.schedule.seed, group: group) { count, random in
            let indices = (0..<count).map { _ in random.integer(in: 0..<dataset.count) }
            return try Batch(inputs: Dequantization.uniform(dataset.pixelBatch(indices), scaling: .unit, random: &random))
        }
        return (model, procedure)
    }

    public func execute(resume: ResumePolicy, onIteration: ((Int) throws -> Void)? = nil) throws -> ADERunResult {
        let training = ResumableTraining(config: config, folder: folder)
        if let finished = try training.finishedResult(resume: resume, as: ADERunResult.self) { return finished }
        let dataset = try DensityRun.readImages(config.data)
        let testSet = try config.testData.map(DensityRun.readImages)
        let (model, procedure) = try makeProcedure(for: dataset)
        let outcome = try training.train(procedure, resume: resume, log: TrainingLog(extras: NoExtras()), onIteration: onIteration)
        let clock = ContinuousClock(), start = clock.now
        let density = DensityModel(module: model, scaling: .unit, imageShape: model.imageShape)
        // Samples first: the GAN's post-hoc phase trains σ, which its noisy samples use. Drawn
        // once, for the metrics and for the exported file.
        let scored = (config.classifier != nil && testSet != nil) || config.exportSamples ? try scoredSamples(of: density) : nil
        let samples = try scored.flatMap { try sampleQuality(of: $0, train: dataset, test: testSet) }
        if training.isWriter {
            let after = "after \(procedure.iteration) iterations"
            try density.writeSampleFiles(to: folder, count: config.gridSamples, seed: config.schedule.seed,
                                         source: "\(config.runName) samples \(after)")
            if config.exportSamples, let scored {
                try ImageDataset(images: scored.images, source: "\(config.runName): \(config.metricSamples) samples \(after)")
                    .write(toHDF5: evaluationSamplesPath, overwrite: true)
            }
        }
        let measuresDensity = config.variant.trainsCoverage || config.posthocIterations > 0
        if !config.variant.trainsCoverage, config.posthocIterations > 0 {
            try PosthocInference.train(model, iterations: config.posthocIterations, batchSize: config.batchSize,
                                       optimizer: config.optimizer, seed: config.schedule.seed, data: procedure.data)
        }
        let evaluator = DensityEvaluator(model: density, importanceSamples: config.evaluationImportanceSamples)
        let test = measuresDensity ? try testSet.map { try evaluator.evaluate($0, rows: config.evaluationRows) } : nil
        let metrics = ADEMetrics(test: test, samples: samples, parameters: model.parameterCount,
                                 featureMapParameters: model.featureMap?.parameterCount ?? 0,
                                 vaeFeatures: model.vae.input.weight.shape[0])
        let result = ADERunResult(config: config, outcome: outcome, iterations: procedure.iteration, metrics: metrics)
        try training.writeManifest(
            configExtras: ["parameters": .number(Double(model.parameterCount))], configChanges: outcome.log.configChanges,
            evaluationProtocol: [
                "data": .string(dataset.source), "test_data": testSet.map { .string($0.source) } ?? .null,
                "bpd": .string(!measuresDensity ? "not measured (a GAN has no density; posthoc_iterations = 0)"
                    : "IWAE bound with k = \(config.evaluationImportanceSamples) on ln p(f(x)) + ln|det|, uniform dequantisation, "
                      + "+ 8 bits (an upper bound on the discrete BPD)"
                      + (config.variant.trainsCoverage ? "" : "; the GAN's generator frozen, its inference network and σ trained "
                         + "afterwards for \(config.posthocIterations) steps by the ELBO (§4.7)")),
                "samples": .string(config.classifier.map { "\(config.metricSamples) samples; FID, KID, precision / recall (k = 3), "
                    + "PRD (20 clusters, 10 runs, 1,001 slopes) against the held-out images and IS / MODE in the features of \($0)" } ?? "no classifier: not measured"),
                "evaluation_seconds": .number((clock.now - start).seconds),
            ])
        try training.writeResult(result)
        return result
    }

    /// The `metric_samples` images the sample metrics score, in [−1, 1], in evaluation mode from
    /// the seed's `sample-metrics` stream (the same images every call), and that stream after them.
    private func scoredSamples(of density: DensityModel) throws -> (images: Tensor, random: RandomStream) {
        var random = RandomStream(seed: config.schedule.seed).split("sample-metrics")
        density.module.eval()
        defer { density.module.train() }
        return (try density.sampleImages(count: config.metricSamples, random: &random), random)
    }

    /// The sample metrics of `scored` (from `scoredSamples`) against the held-out images, in the
    /// classifier's features; nil without a classifier or held-out images.
    private func sampleQuality(of scored: (images: Tensor, random: RandomStream), train: ImageDataset,
                               test: ImageDataset?) throws -> SampleQuality? {
        guard let path = config.classifier, let test else { return nil }
        let classifier = try GlyphClassifier.load(from: path).classifier
        let (generated, random) = scored
        let real = try test.batch(Array(0..<min(test.count, config.metricSamples)))
        let (realFeatures, generatedFeatures) = try withoutGradient {
            (try classifier.features(real), try classifier.features(generated))
        }
        let pr = try precisionRecall(real: realFeatures, generated: generatedFeatures)
        let curve = try precisionRecallDistributions(real: realFeatures, generated: generatedFeatures, random: random.split("prd"))
        let probabilities = try classifier.probabilities(generated)
        return SampleQuality(samples: config.metricSamples,
                             fid: try frechetDistance(real: realFeatures, generated: generatedFeatures),
                             kid: try kernelDistance(real: realFeatures, generated: generatedFeatures),
                             precision: pr.precision, recall: pr.recall,
                             inceptionScore: try inceptionScore(probabilities: probabilities),
                             modeScore: try train.labels.map { try modeScore(probabilities: probabilities, dataMarginal: labelMarginal($0)) },
                             precisionRecallCurve: curve)
    }
}
