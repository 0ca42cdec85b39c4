import Datasets
import ExperimentRuns
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// What a finished density run reports: the likelihood of (up to `evaluation_rows`) training
/// images and, with `test_data`, of the held-out ones.
public struct DensityMetrics: RunMetrics {
    public var train: DensityEvaluation
    public var test: DensityEvaluation?
    public static var runKind: String { "a density run" }
}

public typealias DensityRunResult = RunResult<DensityRunConfig, DensityMetrics, NoExtras>

/// One density run in its own folder: trains a flow or a VAE by likelihood on an HDF5 image
/// dataset, keeps resumable checkpoints, evaluates the training and test NLL / BPD, and writes
/// `result.json`, `samples.png` (+ `samples.h5`) and `manifest.json` (folder protocol of
/// `ResumableTraining`).
public final class DensityRun: ExperimentRun {
    public static let subcommand = "train-density"

    public let config: DensityRunConfig
    public let folder: String

    public var samplesPath: String { folder + "/samples.png" }
    public var samplesDataPath: String { folder + "/samples.h5" }

    public init(config: DensityRunConfig, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// Reads an 8-bit image dataset, refusing other level counts with the reason.
    public static func readImages(_ path: String) throws -> ImageDataset {
        let dataset = try ImageDataset.read(fromHDF5: path)
        guard dataset.levels == 256 else {
            throw DatasetError.invalidParameter(dataset: path, parameter: "levels", detail: "density runs take 8-bit images "
                                                + "(256 levels); this file has \(dataset.levels) (use mnist5k, CIFAR-10 or glyphs)")
        }
        return dataset
    }

    /// The model (initialised from the run's seed) and its one-player procedure on `dataset`,
    /// data-parallel over `group` (the data and their dequantisation noise drawn for the global
    /// batch, the posterior's ε by rows through `batchNormal`, batch norm over the global batch).
    public func makeProcedure(for dataset: ImageDataset, group: any ProcessGroup = DataParallel.world) throws
        -> (DensityModel, TrainingProcedure) {
        let model = try config.makeModel(imageShape: Array(dataset.shape.dropFirst()))
        let player = try model.player(config.density, optimizer: config.optimizer)
        let procedure = try TrainingProcedure(players: [player], batchSize: config.density.batchSize, seed: config.schedule.seed,
                                              streams: ["posterior"], group: group) { count, random in
            let indices = (0..<count).map { _ in random.integer(in: 0..<dataset.count) }
            return try Batch(inputs: model.inputs(fromPixels: dataset.pixelBatch(indices), random: &random))
        }
        return (model, procedure)
    }

    public func execute(resume: ResumePolicy, onIteration: ((Int) throws -> Void)? = nil) throws -> DensityRunResult {
        let training = ResumableTraining(config: config, folder: folder)
        if let finished = try training.finishedResult(resume: resume, as: DensityRunResult.self) { return finished }
        let dataset = try Self.readImages(config.density.data)
        let testSet = try config.density.testData.map(Self.readImages)
        let (model, procedure) = try makeProcedure(for: dataset)
        let outcome = try training.train(procedure, resume: resume, log: TrainingLog(extras: NoExtras()), onIteration: onIteration)
        let evaluator = DensityEvaluator(model: model, importanceSamples: config.density.evaluationImportanceSamples)
        let clock = ContinuousClock(), start = clock.now
        // With `averaging_decay`, the Polyak average of the parameters is what gets evaluated and sampled.
        let metrics = try procedure.withEvaluationParameters {
            try DensityMetrics(train: evaluator.evaluate(dataset, rows: config.density.trainingRowsEvaluated),
                               test: testSet.map { try evaluator.evaluate($0, rows: config.density.evaluationRows) })
        }
        let evaluationSeconds = (clock.now - start).seconds
        if training.isWriter {
            try procedure.withEvaluationParameters {
                try model.writeSampleFiles(to: folder, count: config.density.gridSamples, seed: config.schedule.seed,
                                           source: "\(config.runName) samples after \(procedure.iteration) iterations")
            }
        }
        let result = DensityRunResult(config: config, outcome: outcome, iterations: procedure.iteration, metrics: metrics)
        try training.writeManifest(configExtras: ["parameters": .number(Double(model.module.parameterCount))], configChanges: outcome.log.configChanges,
            evaluationProtocol: [
            "data": .string(dataset.source), "test_data": testSet.map { .string($0.source) } ?? .null,
            "bpd": .string(model.variational == nil
                ? "exact flow density at one uniform dequantisation per image, + \(model.scaling.offsetBits) bits for the data's scale"
                : "IWAE bound with k = \(config.density.evaluationImportanceSamples) on the discrete likelihood (an upper bound)"),
            "training_rows_evaluated": .number(Double(metrics.train.images)),
            "evaluation_seconds": .number(evaluationSeconds),
        ])
        try training.writeResult(result)
        return result
    }
}
