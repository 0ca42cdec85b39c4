import AGAVE
import Autoregressive
import Datasets
import Distributions
import Flows
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training
import Variational

/// A likelihood model of 8-bit images `[B, C, H, W]` with everything a run needs around it:
/// how pixels become the model's inputs (dequantised to [0, 1) for continuous densities,
/// raw for discrete likelihoods), the data scaling that turns its nats into the
/// discrete-data bits per dimension, its training player and its samples.
public final class DensityModel {
    public let module: Module & LikelihoodModel & SampleGenerator
    /// What the model's densities are densities of (spec §1.9).
    public let scaling: DataScaling
    /// `[C, H, W]`.
    public let imageShape: [Int]

    public var dimensions: Int { imageShape.reduce(1, *) }
    public var variational: (any VariationalModel)? { module as? any VariationalModel }

    /// Any likelihood model of images `[B] + imageShape` whose log-likelihoods are densities on
    /// `scaling`'s scale (`.unit`: dequantised pixels / 256; `.levels(256)`: the pixels).
    public init(module: Module & LikelihoodModel & SampleGenerator, scaling: DataScaling, imageShape: [Int]) {
        self.module = module
        self.scaling = scaling
        self.imageShape = imageShape
    }

    /// The model of `settings` for images of `imageShape`, initialised from `random`.
    public convenience init(_ settings: DensitySettings, imageShape: [Int], random: inout RandomStream) throws {
        let observation: any ObservationModel = settings.observation == .gaussian
            ? GaussianObservation(logSigma: -2)
            : try DiscretizedLogisticObservation(channels: imageShape[0])
        let networkScaling: NetworkScaling = settings.observation == .gaussian ? .unit : .pixels
        let vaeScaling: DataScaling = settings.observation == .gaussian ? .unit : .levels(256)
        switch settings.model {
        case .nice:
            let density = try FlowArchitectures.nice(dimension: imageShape.reduce(1, *), couplings: settings.couplings,
                                                     hiddenLayers: settings.hiddenLayers, hiddenUnits: settings.hiddenUnits,
                                                     dataInitializedScaling: settings.dataInitializedScaling, random: &random)
            self.init(module: FlattenedDensity(density, imageShape: imageShape), scaling: .unit, imageShape: imageShape)
        case .realnvp:
            let shape = FlowArchitectures.RealNVPShape(scales: settings.scales, residualBlocks: settings.residualBlocks,
                                                       features: settings.features, finalCouplings: settings.finalCouplings,
                                                       normalization: settings.batchNorm ? .batch : .none)
            self.init(module: try FlowArchitectures.realNVP(imageShape: imageShape, shape: shape, random: &random),
                      scaling: .unit, imageShape: imageShape)
        case .vae:
            let vae = try VariationalAutoencoder.dense(
                imageShape: imageShape, latentSize: settings.latentSize,
                hiddenSizes: Array(repeating: settings.hiddenUnits, count: settings.hiddenLayers),
                observation: observation, scaling: networkScaling, random: &random)
            vae.evaluationSamples = settings.evaluationImportanceSamples
            self.init(module: vae, scaling: vaeScaling, imageShape: imageShape)
        case .hvae:
            let vae = try TopDownVAE(imageShape: imageShape, groups: settings.groups, features: settings.features,
                                     latentChannels: settings.latentChannels, observation: observation,
                                     scaling: networkScaling, posteriorFlow: settings.posteriorFlow, random: &random)
            vae.evaluationSamples = settings.evaluationImportanceSamples
            self.init(module: vae, scaling: vaeScaling, imageShape: imageShape)
        case .pixelcnn:
            let pixelCNN = try PixelCNNPlusPlus(imageShape: imageShape, architecture: settings.pixelCNNArchitecture(conditionChannels: nil),
                                                random: &random)
            self.init(module: pixelCNN, scaling: .levels(256), imageShape: imageShape)
        case .agave:
            let auxiliaryChannels = AGAVEModel.auxiliaryChannels(imageChannels: imageShape[0], grayscale: settings.auxiliaryGrayscale)
            let vae = try TopDownVAE(imageShape: imageShape, groups: settings.groups, features: settings.features,
                                     latentChannels: settings.latentChannels,
                                     observation: DiscretizedLogisticObservation(channels: auxiliaryChannels, levels: settings.auxiliaryLevels),
                                     scaling: .pixels, posteriorFlow: settings.posteriorFlow, random: &random)
            let pixelCNN = try PixelCNNPlusPlus(imageShape: imageShape,
                                                architecture: settings.pixelCNNArchitecture(conditionChannels: auxiliaryChannels),
                                                random: &random)
            let agave = try AGAVEModel(vae: vae, pixelCNN: pixelCNN, objective: settings.agaveObjective,
                                       auxiliaryDownsampling: settings.auxiliaryDownsampling,
                                       auxiliaryGrayscale: settings.auxiliaryGrayscale)
            agave.evaluationSamples = settings.evaluationImportanceSamples
            self.init(module: agave, scaling: .levels(256), imageShape: imageShape)
        }
    }

    /// The model's inputs for pixel values `[B, C, H, W]` (0…255): uniformly dequantised and
    /// rescaled for a continuous density, unchanged for a discrete one.
    public func inputs(fromPixels pixels: Tensor, random: inout RandomStream) throws -> Tensor {
        if case .levels = scaling { return pixels }
        return try Dequantization.uniform(pixels, scaling: scaling, random: &random)
    }

    /// Samples as images in [−1, 1] (for grids and `ImageDataset(images:)`).
    public func sampleImages(count: Int, random: inout RandomStream) throws -> Tensor {
        let samples = try module.sample(count: count, random: &random, chunk: 100)
        switch scaling {
        case .unit: return clamp(samples * 2 - 1, min: -1, max: 1)
        case .symmetric: return clamp(samples, min: -1, max: 1)
        case .pixels, .levels: return Self.symmetric(pixels: samples)
        }
    }

    /// Writes `count` samples (seeded by `seed`'s `samples` stream) to a run folder as
    /// `samples.png` (8 per row) and `samples.h5` (uint8, for h5py), replacing earlier ones.
    /// AGAVE also writes `auxiliary.png`: the f(z) each sample was conditioned on, in the same
    /// grid positions (thesis Figs. 3.3b, 3.5).
    public func writeSampleFiles(to folder: String, count: Int, seed: UInt64, source: String) throws {
        var random = RandomStream(seed: seed).split("samples")
        let images: Tensor
        if let agave = module as? AGAVEModel {
            let drawn = try agave.sampleWithAuxiliary(count: count, random: &random)
            images = Self.symmetric(pixels: drawn.samples)
            try Canvas.imageGrid(Self.symmetric(pixels: drawn.auxiliary), columns: 8)
                .savePNG(to: folder + "/auxiliary.png", existing: .overwrite)
        } else {
            images = try sampleImages(count: count, random: &random)
        }
        try Canvas.imageGrid(images, columns: 8).savePNG(to: folder + "/samples.png", existing: .overwrite)
        try ImageDataset(images: images, source: source).write(toHDF5: folder + "/samples.h5", overwrite: true)
    }

    /// Pixel values 0…255 as images in [−1, 1].
    static func symmetric(pixels: Tensor) -> Tensor { clamp(pixels * (1 / 127.5) - 1, min: -1, max: 1) }

    /// Bits per dimension of a mean negative log-likelihood (nats per image) on this model's scale.
    public func bitsPerDimension(_ nats: Double) throws -> Double {
        try BitsPerDimension.from(negativeLogLikelihood: nats, dimensions: dimensions, scaling: scaling)
    }

    /// The training player: maximum likelihood for flows (`flow`) and PixelCNN++ (`pixelcnn`;
    /// metric `bpd`), the ELBO or IWAE-k bound for VAEs (`vae`; metrics `bound`, `kl`), Eq. 3.13
    /// for AGAVE (`agave`).
    public func player(_ settings: DensitySettings, optimizer: OptimizerSettings) throws -> Player {
        if let variational {
            let objective = VariationalObjective(importanceSamples: settings.importanceSamples,
                                                 klWarmupSteps: settings.klWarmupSteps, freeBits: settings.freeBits)
            return try variational.trainingPlayer(optimizer: optimizer, objective: objective)
        }
        let offset = scaling.offsetBits, perDimension = 1 / (Double(dimensions) * log(2))
        return try Player(name: settings.model == .pixelcnn ? "pixelcnn" : "flow", module: module, optimizer: optimizer.makeOptimizer(for: module),
                          options: optimizer.playerOptions) { [module] batch, _ in
            let nll = try -module.logLikelihood(batch.inputs).mean()
            return PlayerLoss(nll, metrics: ["bpd": Float(Double(nll.scalar) * perDimension + offset)])
        }
    }
}

/// A density of vectors `[B, D]` seen as one of images `[B, C, H, W]` (NICE on MNIST).
public final class FlattenedDensity: Module, LikelihoodModel, DifferentiableSampler {
    public let density: FlowDensity
    public let imageShape: [Int]

    public init(_ density: FlowDensity, imageShape: [Int]) {
        self.density = density
        self.imageShape = imageShape
        super.init()
    }

    public func logLikelihood(_ inputs: Tensor) throws -> Tensor {
        try density.logLikelihood(inputs.reshaped([inputs.shape[0], -1]))
    }

    public func generate(count: Int, random: inout RandomStream) throws -> Tensor {
        try density.generate(count: count, random: &random).reshaped([count] + imageShape)
    }

    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try density.sample(count: count, random: &random).reshaped([count] + imageShape)
    }
}
