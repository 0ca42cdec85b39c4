import Datasets
import Distributions
import Foundation
import NeuralNet
import TensorCore
import Training
import Variational

/// A density model's likelihood of a set of 8-bit images, in the discrete-data units of
/// spec §1.9: what `result.json` and `mixedbatch evaluate-density` report.
public struct DensityEvaluation: Codable, Equatable, Sendable {
    /// Images evaluated.
    public var images: Int
    /// Bits per dimension: exact for flows (one uniform dequantisation per image: an estimate
    /// of an upper bound on the discrete BPD), the IWAE-k bound for VAEs (an upper bound).
    public var bpd: Double
    /// The same in nats per image: `bpd · D · ln 2`.
    public var nll: Double
    /// VAEs: the ELBO's BPD (an upper bound, looser than `bpd`).
    public var elboBPD: Double?
    /// VAEs: the k of `bpd`'s importance-weighted bound.
    public var importanceSamples: Int?
    /// Flows on [0, 1): minus the density's log on the dequantised data, nats per image
    /// (Flow-GAN's MNIST convention; add D · ln 256 for the discrete value).
    public var continuousNLL: Double?
    /// Models whose bound splits into named terms (AGAVE, `BoundTermsReporting`): each term's
    /// mean in bits per dimension, one posterior sample per image (Figs. 3.4 and 3.8).
    public var termsBPD: [String: Double]?
}

/// Log-likelihoods of images under a `DensityModel`, in chunks, in evaluation mode.
public struct DensityEvaluator {
    public let model: DensityModel
    /// k of the IWAE bound for VAEs.
    public let importanceSamples: Int
    /// Rows per forward pass.
    public let chunk: Int

    public init(model: DensityModel, importanceSamples: Int, chunk: Int = 100) {
        self.model = model
        self.importanceSamples = importanceSamples
        self.chunk = chunk
    }

    /// Per image: `ln P(x)` in nats on the discrete data (the bound for VAEs), and for VAEs the
    /// ELBO. Dequantisation noise and posterior samples come from `RandomStream(seed)`'s
    /// `evaluation` stream, so an evaluation is reproducible.
    public func logLikelihoods(of dataset: ImageDataset, rows: Int? = nil, seed: UInt64 = 0) throws
        -> (logLikelihood: [Double], elbo: [Double]?) {
        let (values, elbos, _) = try scores(of: dataset, rows: rows, seed: seed)
        return (values, elbos)
    }

    /// `logLikelihoods`, and for a `BoundTermsReporting` model each term's sum over the images (nats).
    private func scores(of dataset: ImageDataset, rows: Int?, seed: UInt64) throws
        -> (logLikelihood: [Double], elbo: [Double]?, termSums: [String: Double]?) {
        guard dataset.levels == 256, Array(dataset.shape.dropFirst()) == model.imageShape else {
            throw DatasetError.invalidParameter(dataset: dataset.source, parameter: "images",
                                                detail: "the model takes 8-bit images \(model.imageShape); this file holds "
                                                    + "\(Array(dataset.shape.dropFirst())) with \(dataset.levels) levels")
        }
        let count = min(rows ?? dataset.count, dataset.count)
        var random = RandomStream(seed: seed).split("evaluation")
        let discreteOffset = model.scaling.offsetBits * Double(model.dimensions) * log(2)
        var values: [Double] = [], elbos: [Double] = []
        let termsReporter = model.module as? BoundTermsReporting
        var termSums: [String: Double] = [:]
        let wasTraining = model.module.isTraining
        model.module.eval()
        defer { if wasTraining { model.module.train() } }
        try withoutGradient {
            for start in stride(from: 0, to: count, by: chunk) {
                let pixels = try dataset.pixelBatch(Array(start..<min(start + chunk, count)))
                let inputs = try model.inputs(fromPixels: pixels, random: &random)
                if let termsReporter {
                    for (name, term) in try termsReporter.boundTerms(inputs, random: &random) {
                        termSums[name, default: 0] += term.scalars.reduce(0.0) { $0 + Double($1) }
                    }
                }
                if let vae = model.variational {
                    elbos += try vae.elbo(inputs, random: &random).elbo.scalars.map { Double($0) - discreteOffset }
                    values += try vae.importanceWeightedBound(inputs, samples: importanceSamples, random: &random)
                        .scalars.map { Double($0) - discreteOffset }
                } else {
                    values += try model.module.logLikelihood(inputs).scalars.map { Double($0) - discreteOffset }
                }
            }
        }
        return (values, model.variational == nil ? nil : elbos, termsReporter == nil ? nil : termSums)
    }

    /// The summary of `logLikelihoods`: mean NLL and BPD (and the ELBO's for VAEs).
    public func evaluate(_ dataset: ImageDataset, rows: Int? = nil, seed: UInt64 = 0) throws -> DensityEvaluation {
        let (values, elbos, termSums) = try scores(of: dataset, rows: rows, seed: seed)
        var evaluation = try summary(logLikelihoods: values, elbos: elbos)
        let bitsPerNat = 1 / (Double(values.count) * Double(model.dimensions) * log(2))
        evaluation.termsBPD = termSums?.mapValues { $0 * bitsPerNat }
        return evaluation
    }

    /// Mean NLL and BPD of per-image values from `logLikelihoods` (and the ELBO's for VAEs).
    public func summary(logLikelihoods values: [Double], elbos: [Double]?) throws -> DensityEvaluation {
        let nll = -values.reduce(0, +) / Double(values.count)
        let bpd = try BitsPerDimension.from(negativeLogLikelihood: nll, dimensions: model.dimensions, scaling: .levels(256))
        let elboBPD = try elbos.map {
            try BitsPerDimension.from(negativeLogLikelihood: -$0.reduce(0, +) / Double($0.count),
                                      dimensions: model.dimensions, scaling: .levels(256))
        }
        let offset = model.scaling.offsetBits * Double(model.dimensions) * log(2)
        return DensityEvaluation(images: values.count, bpd: bpd, nll: nll, elboBPD: elboBPD,
                                 importanceSamples: model.variational == nil ? nil : importanceSamples,
                                 continuousNLL: model.variational == nil && offset > 0 ? nll - offset : nil)
    }
}
