import Foundation
import Testing
import TensorCore
import NeuralNet
import Training
import Variational
@testable import AGAVE
@testable import Autoregressive

/// AGAVE as a latent-variable model of x: its importance-weighted bound estimates a normalised
/// distribution, sits above the ELBO, and its objective weighs the terms of Eq. 3.13.
@Suite struct AGAVEModelTests {
    private func model(levels: Int = 2, objective: AGAVEObjective = AGAVEObjective(), seed: UInt64 = 3) throws -> AGAVEModel {
        var random = RandomStream(seed: seed)
        let vae = try TopDownVAE(imageShape: [1, 2, 2], groups: 1, features: 4, latentChannels: 2,
                                 observation: DiscretizedLogisticObservation(channels: 1, levels: levels), random: &random)
        let pixelCNN = try PixelCNNPlusPlus(
            imageShape: [1, 2, 2],
            architecture: PixelCNNArchitecture(filters: 4, resnetBlocks: 1, resolutions: 2, components: 2, dropout: 0,
                                               conditionChannels: 1, conditionFeatures: 3),
            levels: levels, random: &random)
        return try AGAVEModel(vae: vae, pixelCNN: pixelCNN, objective: objective)
    }

    /// A small top-down VAE and conditional PixelCNN++ (2 levels) on `imageShape` images, the
    /// auxiliary image and condition with `auxiliaryChannels` channels.
    static func halves(imageShape: [Int], auxiliaryChannels: Int, random: inout RandomStream) throws
        -> (TopDownVAE, PixelCNNPlusPlus) {
        let vae = try TopDownVAE(imageShape: imageShape, groups: 1, features: 4, latentChannels: 2,
                                 observation: DiscretizedLogisticObservation(channels: auxiliaryChannels, levels: 2), random: &random)
        let pixelCNN = try PixelCNNPlusPlus(
            imageShape: imageShape,
            architecture: PixelCNNArchitecture(filters: 4, resnetBlocks: 1, resolutions: 2, components: 2, dropout: 0,
                                               conditionChannels: auxiliaryChannels, conditionFeatures: 3),
            levels: 2, random: &random)
        return (vae, pixelCNN)
    }

    /// Every 2×2 binary image (pixel values 0 and 128), `[16, 1, 2, 2]`.
    private var binaryImages: Tensor {
        get throws {
            try Tensor(shape: [16, 1, 2, 2], scalars: (0..<16).flatMap { index in (0..<4).map { Float((index >> $0) & 1) * 128 } })
        }
    }

    /// exp(L_k) is an unbiased estimate of p(x), so over every image of a space the estimates
    /// sum to about 1; the mean bound rises from the ELBO (k = 1) to k = 200.
    @Test func importanceWeightedBoundEstimatesANormalisedDistribution() throws {
        let model = try model()
        let images = try binaryImages
        var random = RandomStream(seed: 5)
        let (total, elbo, bound) = try withoutGradient { () -> (Double, Double, Double) in
            let repeated = try Tensor.concatenate(Array(repeating: images, count: 4), axis: 0)
            let bound = try model.importanceWeightedBound(repeated, samples: 200, random: &random).scalars.map(Double.init)
            let elbo = try model.elbo(repeated, random: &random).elbo.scalars.map(Double.init)
            let total = bound.reduce(0) { $0 + exp($1) } / 4
            return (total, elbo.reduce(0, +) / 64, bound.reduce(0, +) / 64)
        }
        #expect(abs(total - 1) < 0.05, "Σ_x exp(L_200(x)) = \(total)")
        #expect(elbo < bound, "ELBO \(elbo) vs IWAE-200 \(bound)")
    }

    @Test func boundTermsAddUpToTheELBO() throws {
        let model = try model(levels: 4)
        var random = RandomStream(seed: 6)
        let images = random.uniform([8, 1, 2, 2]).map { Float(Int($0 * 4) * 64) }
        var first = RandomStream(seed: 9), second = RandomStream(seed: 9)
        let terms = try withoutGradient { try model.boundTerms(images, random: &first) }
        let elbo = try withoutGradient { try model.elbo(images, random: &second).elbo }
        let fromTerms = try -(terms["kl"]! + terms["pixelcnn_reconstruction"]!)
        #expect(zip(fromTerms.scalars, elbo.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(terms["vae_reconstruction"]!.scalars.allSatisfy { $0 > 0 })
    }

    /// The player's loss is Eq. 3.13 with the objective's weights; during pre-training the
    /// PixelCNN reads a zero condition, so the auxiliary decoder gets no gradient from it.
    @Test func trainingLossWeighsTheTermsAndPretrainingSeparatesTheHalves() throws {
        let weighted = try model(levels: 4, objective: AGAVEObjective(klWeight: 3, auxiliaryWeight: 0.5))
        var random = RandomStream(seed: 7)
        let images = random.uniform([8, 1, 2, 2]).map { Float(Int($0 * 4) * 64) }
        let player = try weighted.trainingPlayer(optimizer: OptimizerSettings(), objective: VariationalObjective())
        var streams = RandomStreams(seed: 1, names: ["posterior"])
        let loss = try player.loss(Batch(inputs: images), &streams)
        let m = loss.metrics
        #expect(abs(loss.loss.scalar - (m["pixelcnn"]! + 0.5 * m["vae"]! + 3 * m["kl"]!)) < 1e-3)
        #expect(abs(m["bound"]! + m["pixelcnn"]! + m["kl"]!) < 1e-3)

        let pretraining = try model(levels: 4, objective: AGAVEObjective(auxiliaryWeight: 1, pretrainIterations: 5))
        var passes: [AGAVEModel.Pass] = []
        var first = RandomStream(seed: 2)
        try pretraining.agavePasses(images, count: 1, conditioned: false, random: &first) { passes.append($0) }
        let pixelOnly = -passes[0].pixelReconstruction.mean()
        let outputWeight = pretraining.vae.output.weight
        #expect(try gradients(of: pixelOnly, wrt: [outputWeight])[0].scalars.allSatisfy { $0 == 0 })
        #expect(throws: (any Error).self) { try AGAVEObjective(auxiliaryWeight: 0, pretrainIterations: 3).validate() }
    }

    /// Along an interpolation only the top latent moves: from an image to itself every point is
    /// the same, and the first point of a line is the decoding of the first image's mean.
    @Test func interpolationsMoveOnlyTheTopLatent() throws {
        let model = try model(levels: 4)
        let images = try binaryImages.narrowed(axis: 0, start: 5, length: 2)
        let a = try images.narrowed(axis: 0, start: 0, length: 1), b = try images.narrowed(axis: 0, start: 1, length: 1)
        let stream = RandomStream(seed: 12)
        let still = try model.interpolate(a, a, steps: 3, lowerGroups: stream).scalars
        #expect(still.count == 12 && still[0..<4] == still[4..<8] && still[4..<8] == still[8..<12])
        let line = try model.interpolate(a, b, steps: 4, lowerGroups: stream)
        var same = stream
        let start = try withoutGradient { try model.vae.decode(top: model.vae.topPosteriorMean(a), random: &same) }
        #expect(Array(line.scalars[0..<4]) == start.scalars)
        #expect(line.scalars[0..<4] != line.scalars[12..<16])
    }

    /// A down-sampled auxiliary (Fig. 3.9c, d): y is x's 2×2 block means rounded to whole pixel
    /// values, the auxiliary term scores y under f(z) pooled alike — a distribution that sums to
    /// one over every y of the smaller space — and the PixelCNN reads f(z) repeated over each block.
    @Test func aDownsampledAuxiliaryScoresTheBlockMeans() throws {
        var random = RandomStream(seed: 4)
        let (vae, pixelCNN) = try Self.halves(imageShape: [1, 4, 4], auxiliaryChannels: 1, random: &random)
        let model = try AGAVEModel(vae: vae, pixelCNN: pixelCNN, objective: AGAVEObjective(), auxiliaryDownsampling: 2)
        let x = try Tensor(shape: [1, 1, 4, 4], scalars: [0, 0, 128, 128, 0, 128, 128, 128, 0, 0, 0, 0, 128, 128, 0, 128])
        let y = try model.auxiliaryImage(x)
        #expect(y.shape == [1, 1, 2, 2] && y.scalars == [32, 128, 64, 32])
        var made: AGAVEModel.Pass?
        try withoutGradient { try model.agavePasses(x, count: 1, random: &random) { made = $0 } }
        let pass = try #require(made)
        let d = pass.decoded.scalars
        let blockMeans: [Float] = [0, 2, 8, 10].map { corner in
            [0, 1, 4, 5].reduce(Float(0)) { $0 + d[corner + $1] } / 4
        }
        let pooled = try Tensor(shape: [1, 1, 2, 2], scalars: blockMeans)
        let expected = try vae.observation.logLikelihood(of: y, decoded: pooled)
        #expect(abs(pass.auxiliaryReconstruction.scalar - expected.scalar) < 1e-4)
        // Every 2×2 binary y (0 and 128) under the same f(z).
        let total = try vae.observation.logLikelihood(of: binaryImages, decoded: pooled.broadcast(to: [16, 1, 2, 2])).scalars
            .reduce(0) { $0 + exp(Double($1)) }
        #expect(abs(total - 1) < 1e-4, "Σ_y p(y | z) = \(total)")
        let condition = try model.condition(pass.decoded).scalars
        for corner in [0, 2, 8, 10] {
            let block = [0, 1, 4, 5].map { condition[corner + $0] }
            #expect(block.allSatisfy { $0 == block[0] })
        }
        #expect(throws: TrainingError.self) {
            try AGAVEModel(vae: vae, pixelCNN: pixelCNN, objective: AGAVEObjective(), auxiliaryDownsampling: 3)
        }
    }

    /// The grayscale auxiliary of RGB data (Fig. 3.9a): y is x's rounded BT.601 luminance, one
    /// channel; the auxiliary term scores it under f(z)'s luminance (a distribution summing to
    /// one over every y), and the PixelCNN is conditioned on that one channel. Grey data refuse it.
    @Test func aGrayscaleAuxiliaryScoresTheLuminance() throws {
        var random = RandomStream(seed: 6)
        let (vae, pixelCNN) = try Self.halves(imageShape: [3, 2, 2], auxiliaryChannels: 1, random: &random)
        let model = try AGAVEModel(vae: vae, pixelCNN: pixelCNN, objective: AGAVEObjective(), auxiliaryGrayscale: true)
        // R, G, B planes of one 2×2 image.
        let x = try Tensor(shape: [1, 3, 2, 2], scalars: [255, 0, 0, 100, 0, 255, 0, 100, 0, 0, 255, 100])
        let y = try model.auxiliaryImage(x)
        #expect(y.shape == [1, 1, 2, 2] && y.scalars == [76, 150, 29, 100])  // 0.299·255, 0.587·255, 0.114·255, 100
        var made: AGAVEModel.Pass?
        try withoutGradient { try model.agavePasses(x, count: 1, random: &random) { made = $0 } }
        let pass = try #require(made)
        #expect(pass.decoded.shape == [1, 3, 2, 2])
        let d = pass.decoded.scalars
        let luminance = try Tensor(shape: [1, 1, 2, 2], scalars: (0..<4).map { 0.299 * d[$0] + 0.587 * d[4 + $0] + 0.114 * d[8 + $0] })
        let expected = try vae.observation.logLikelihood(of: y, decoded: luminance)
        #expect(abs(pass.auxiliaryReconstruction.scalar - expected.scalar) < 1e-4)
        let total = try vae.observation.logLikelihood(of: binaryImages, decoded: luminance.broadcast(to: [16, 1, 2, 2])).scalars
            .reduce(0) { $0 + exp(Double($1)) }
        #expect(abs(total - 1) < 1e-4, "Σ_y p(y | z) = \(total)")
        #expect(try model.condition(pass.decoded).shape == [1, 1, 2, 2])
        let grey = try TopDownVAE(imageShape: [1, 2, 2], groups: 1, features: 4, latentChannels: 2,
                                  observation: DiscretizedLogisticObservation(channels: 1, levels: 2), random: &random)
        #expect(throws: TrainingError.self) {
            try AGAVEModel(vae: grey, pixelCNN: pixelCNN, objective: AGAVEObjective(), auxiliaryGrayscale: true)
        }
    }
}
