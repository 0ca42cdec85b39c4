import Adversarial
import Datasets
import Evaluation
import ExperimentRuns
import Foundation
import Hybrid
import NeuralNet
import Reporting
import TensorCore
import Training

/// One image run of chapter 4 in its own folder: trains the SNGAN generator against the
/// method's convolutional discriminator on an HDF5 image dataset, keeps resumable
/// checkpoints, records the Fig. 4.6 curves, evaluates the final samples and writes
/// `result.json`, `samples.png` (+ `samples.h5`) and `manifest.json` (folder protocol of `ResumableTraining`).
public final class ImageRun: ExperimentRun {
    public static let subcommand = "train-image"

    public let config: ImageRunConfig
    public let folder: String

    public var checkpointPath: String { folder + "/checkpoint.h5" }
    public var resultPath: String { folder + "/result.json" }
    public var samplesPath: String { folder + "/samples.png" }
    /// The grid's images as an 8-bit HDF5 image dataset, for figures that combine runs.
    public var samplesDataPath: String { folder + "/samples.h5" }
    /// All evaluated samples, with `export_samples`.
    public var evaluationSamplesPath: String { folder + "/evaluation_samples.h5" }

    public init(config: ImageRunConfig, folder: String) {
        self.config = config
        self.folder = folder
    }

    /// The generator `[N, latent] -> [N, C, H, W]` and the method's discriminator for images
    /// of `shape` (`[C, H, W]`), initialised from the run's seed.
    public static func makeNetworks(_ config: ImageRunConfig, imageShape: [Int]) throws
        -> (generator: LatentGenerator, discriminator: Sequential) {
        let shape = try networkShape(config, imageShape: imageShape)
        let root = RandomStream(seed: config.seed)
        var generatorRandom = root.split("generator-init"), discriminatorRandom = root.split("discriminator-init")
        return (try LatentGenerator(network: shape.makeGenerator(random: &generatorRandom), latentSize: config.latentSize),
                try shape.makeDiscriminator(config.discriminatorForm, random: &discriminatorRandom))
    }

    /// A hybrid's networks for images of `imageShape`: the SNGAN generator, an encoder made of
    /// the discriminator's convolutions with `2·latent` outputs, the critic (spectrally
    /// normalised for the Lipschitz critic, plain for a classifier) and the code discriminator
    /// (`code_depth` × `code_width` ReLU), initialised from the run's seed.
    public static func makeHybridNetworks(_ config: ImageRunConfig, model: HybridModel, imageShape: [Int]) throws
        -> HybridNetworks {
        let shape = try networkShape(config, imageShape: imageShape)
        var random = RandomStream(seed: config.seed).split("hybrid-init")
        let generator = try shape.makeGenerator(random: &random)
        let encoder = try shape.makeDiscriminator(.perSample, outputs: 2 * config.latentSize, random: &random)
        let components = model.components
        let critic: (any Layer)? = components.synthetic == .none ? nil
            : try shape.makeDiscriminator(components.synthetic == .lipschitzCritic ? .spectralNorm : .perSample, random: &random)
        let code = components.prior.usesCodeDiscriminator
            ? try Sequential.perceptron(inputSize: config.latentSize,
                                        hiddenSizes: Array(repeating: config.hybrid.codeWidth, count: config.hybrid.codeDepth),
                                        outputSize: 1, random: &random)
            : nil
        return HybridNetworks(model: try EncoderGenerator(encoder: encoder, generator: generator, latentSize: config.latentSize),
                              critic: critic, codeDiscriminator: code)
    }

    /// The generator and the procedure that trains it: the GAN of `method`, or the hybrid.
    static func makeTraining(_ config: ImageRunConfig, imageShape: [Int], data: @escaping BatchSource) throws
        -> (generator: LatentGenerator, procedure: TrainingProcedure) {
        guard let model = config.hybrid.hybrid, let objective = try config.hybrid.makeObjective() else {
            let (generator, discriminator) = try makeNetworks(config, imageShape: imageShape)
            return (generator, try config.makeProcedure(generator: generator, discriminator: discriminator, data: data))
        }
        let networks = try makeHybridNetworks(config, model: model, imageShape: imageShape)
        let procedure = try HybridTraining.procedure(networks, objective: objective, batchSize: config.batchSize,
                                                     criticSteps: config.discriminatorSteps, optimizer: config.gan.optimizer,
                                                     seed: config.seed, data: data)
        return (try LatentGenerator(network: networks.model.generator, latentSize: config.latentSize), procedure)
    }

    /// The networks' shape for images of `imageShape` `[C, M, M]`; a clear error otherwise.
    static func networkShape(_ config: ImageRunConfig, imageShape: [Int]) throws -> ConvolutionalGANShape {
        guard imageShape.count == 3, imageShape[1] == imageShape[2] else {
            throw ConfigError("the data's images are \(imageShape); image runs need square images [C, M, M]")
        }
        do { return try config.networkShape(imageSize: imageShape[1], channels: imageShape[0]) } catch {
            throw ConfigError("the data's \(imageShape[1])×\(imageShape[2]) images: \(error); convert the data to 32, 48 or 64 pixels")
        }
    }

    /// Trains (or resumes, or reports) the run; `onIteration` is called after every iteration
    /// with the number completed; an error it throws stops the run there, as an interruption
    /// would. A diverged run is returned with status `.diverged`; every other failure throws.
    public func execute(resume: ResumePolicy, onIteration: ((Int) throws -> Void)? = nil) throws -> ImageRunResult {
        let training = ResumableTraining(config: config, folder: folder)
        if let finished = try training.finishedResult(resume: resume, as: ImageRunResult.self) { return finished }
        let dataset = try ImageDataset.read(fromHDF5: config.data)
        let dimensions = dataset.shape.dropFirst().reduce(1, *)
        guard config.jacobianPoints == 0 || config.latentSize == dimensions else {
            throw ConfigError("jacobian_points analyses generators with as many latent as output dimensions (k = d); "
                              + "set latent_size = \(dimensions) for the data's \(Array(dataset.shape.dropFirst())) images")
        }
        let evaluator = try ImageEvaluator(dataset: dataset, realCount: min(config.evaluationSamples, dataset.count),
                                           classifierPath: config.classifier, inceptionWeights: config.inceptionWeights,
                                           featureCache: config.featureCache)
        let (generator, procedure) = try Self.makeTraining(config, imageShape: Array(dataset.shape.dropFirst())) { count, random in
            try dataset.sampleBatch(count: count, random: &random)
        }
        let outcome = try training.train(procedure, resume: resume, log: TrainingLog(extras: NoExtras()),
                                         afterIteration: { iteration, log in
            guard config.curveEvery > 0, iteration % config.curveEvery == 0 || iteration == config.iterations else { return }
            let images = try procedure.withEvaluationParameters {
                try generate(generator, count: config.curveSamples, stream: "curve-\(iteration)")
            }
            guard let point = try evaluator.curvePoint(of: images, iteration: iteration) else { return }
            log.history.append(ImageRunResult.inceptionScoreSeries, iteration: iteration, value: point.inceptionScore)
            log.history.append(ImageRunResult.fidSeries, iteration: iteration, value: point.fid)
        }, onIteration: onIteration)

        let samples = try procedure.withEvaluationParameters {
            try writeSamples(of: generator, iterations: procedure.iteration)
        }
        var metrics = try evaluator.metrics(of: samples)
        if config.jacobianPoints > 0 {
            metrics.jacobian = try procedure.withEvaluationParameters { try jacobianSpectrum(of: generator) }
        }
        let result = ImageRunResult(config: config, outcome: outcome, iterations: procedure.iteration, metrics: metrics)
        var evaluationProtocol = evaluator.evaluationProtocol
        evaluationProtocol["generated_samples"] = .number(Double(samples.shape[0]))
        evaluationProtocol["curve_samples"] = .number(Double(config.curveSamples))
        evaluationProtocol["training_seconds"] = .number(result.seconds)
        evaluationProtocol["data"] = .string(dataset.source)
        if config.jacobianPoints > 0 {
            evaluationProtocol["jacobian"] = .string("singular values of ∂G/∂z (reverse mode, LAPACK dgesdd) at \(config.jacobianPoints) "
                                                     + "prior draws, generator in evaluation mode")
        }
        let objective = try config.hybrid.hybrid.map { "hybrid: \($0.components)" }
            ?? config.method.makeObjective(config.objectiveOptions).name
        try training.writeManifest(
            configExtras: ["objective": .string(objective),
                           "discriminator": .string(config.hybrid.hybrid == nil ? config.discriminatorForm.rawValue : "hybrid critic")],
            configChanges: outcome.log.configChanges,
            evaluationProtocol: evaluationProtocol)
        try training.writeResult(result)
        return result
    }

    /// The singular values of ∂G/∂z (flattened images) at `jacobian_points` prior draws, the
    /// generator in evaluation mode (batch norm per row).
    private func jacobianSpectrum(of generator: LatentGenerator) throws -> GeneratorJacobian.Spectrum {
        var random = RandomStream(seed: config.seed).split("jacobian")
        let network = generator.network
        network.eval()
        defer { network.train() }
        return try GeneratorJacobian.spectrum(of: { z in try network(z).reshaped([z.shape[0], -1]) },
                                              at: random.normal([config.jacobianPoints, generator.latentSize]))
    }

    /// Generates the evaluation samples `[evaluation_samples, C, H, W]`, writes the first
    /// `grid_samples` as `samples.png` and `samples.h5` (and all of them with `export_samples`)
    /// and returns them.
    private func writeSamples(of generator: LatentGenerator, iterations: Int) throws -> Tensor {
        let generated = try generate(generator, count: max(config.evaluationSamples, config.gridSamples), stream: "evaluation")
        let samples = try generated.narrowed(axis: 0, start: 0, length: config.evaluationSamples)
        let grid = try generated.narrowed(axis: 0, start: 0, length: config.gridSamples)
        let after = "after \(iterations) iterations"
        guard DataParallel.world.isWriter else { return samples }
        try Canvas.imageGrid(grid, columns: 8).savePNG(to: samplesPath, existing: .overwrite)
        try ImageDataset(images: grid, source: "\(config.runName) samples \(after)").write(toHDF5: samplesDataPath, overwrite: true)
        if config.exportSamples {
            try ImageDataset(images: samples, source: "\(config.runName): \(samples.shape[0]) samples \(after)")
                .write(toHDF5: evaluationSamplesPath, overwrite: true)
        }
        return samples
    }

    /// `count` generated images from the named stream of the run's seed, in chunks of 500
    /// (the generator's batch norm uses each chunk's statistics, as in training).
    private func generate(_ generator: LatentGenerator, count: Int, stream: String) throws -> Tensor {
        var random = RandomStream(seed: config.seed).split(stream)
        return try generator.sample(count: count, random: &random, chunk: 500)
    }
}
