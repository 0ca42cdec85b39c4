import Foundation
import Testing
import TensorCore
import Training
@testable import Autoregressive

/// PixelCNN++ as a distribution: causal in raster order (both streams, through the down- and
/// up-sampling levels, with and without a condition), normalised over every image of a tiny
/// space, and sampled from its own distribution.
@Suite struct PixelCNNPlusPlusTests {
    private func model(_ imageShape: [Int], resolutions: Int, conditional: Bool = false, levels: Int = 256,
                       weightNormalization: Bool = true, seed: UInt64 = 1) throws -> PixelCNNPlusPlus {
        var random = RandomStream(seed: seed)
        let architecture = PixelCNNArchitecture(filters: 4, resnetBlocks: 1, resolutions: resolutions, components: 2, dropout: 0,
                                                conditionChannels: conditional ? 2 : nil, conditionFeatures: 3,
                                                weightNormalization: weightNormalization)
        return try PixelCNNPlusPlus(imageShape: imageShape, architecture: architecture, levels: levels, random: &random)
    }

    /// The input pixels (row, column) whose value reaches the distribution of pixel (i, j): the
    /// nonzero entries of the gradient of a random projection of its mixture parameters.
    private func dependencies(of model: PixelCNNPlusPlus, i: Int, j: Int, condition: Tensor?) throws -> Set<[Int]> {
        var random = RandomStream(seed: 7)
        let (c, h, w) = (model.imageShape[0], model.imageShape[1], model.imageShape[2])
        let images = (random.uniform([2, c, h, w]) * 255).requiringGradient()
        let parameters = try model.distributionParameters(images, condition: condition)
        let picked = try parameters.narrowed(axis: 2, start: i, length: 1).narrowed(axis: 3, start: j, length: 1)
        let projection = try (picked * random.normal(picked.shape)).sum()
        let gradient = try gradients(of: projection, wrt: [images])[0].scalars
        var seen = Set<[Int]>()
        for b in 0..<2 { for ch in 0..<c { for r in 0..<h { for s in 0..<w where gradient[((b * c + ch) * h + r) * w + s] != 0 {
            seen.insert([r, s])
        } } } }
        return seen
    }

    @Test(arguments: [(1, false), (3, false), (3, true)])
    func eachPixelDependsOnlyOnThePixelsBeforeIt(channels: Int, conditional: Bool) throws {
        let (h, w) = (6, 5)
        let model = try model([channels, h, w], resolutions: 3, conditional: conditional)
        var random = RandomStream(seed: 3)
        let condition = conditional ? random.normal([2, 2, h, w]) : nil
        for i in 0..<h {
            for j in 0..<w {
                let seen = try dependencies(of: model, i: i, j: j, condition: condition)
                let late = seen.filter { $0[0] > i || ($0[0] == i && $0[1] >= j) }
                #expect(late.isEmpty, "pixel (\(i), \(j)) depends on \(late.sorted { $0.lexicographicallyPrecedes($1) })")
                if j > 0 { #expect(seen.contains([i, j - 1]), "pixel (\(i), \(j)) ignores its left neighbour") }
                if i > 0 { #expect(seen.contains([i - 1, j]), "pixel (\(i), \(j)) ignores the pixel above") }
            }
        }
    }

    @Test func theConditionReachesEveryPixelAndAnUnconditionalModelRefusesOne() throws {
        let model = try model([1, 4, 4], resolutions: 2, conditional: true)
        var random = RandomStream(seed: 4)
        let images = random.uniform([2, 1, 4, 4]) * 255
        let condition = random.normal([2, 2, 4, 4]).requiringGradient()
        let parameters = try model.distributionParameters(images, condition: condition)
        let corner = try parameters.narrowed(axis: 2, start: 0, length: 1).narrowed(axis: 3, start: 0, length: 1).sum()
        let gradient = try gradients(of: corner, wrt: [condition])[0]
        #expect(gradient.scalars.contains { $0 != 0 })
        #expect(throws: (any Error).self) { try model.distributionParameters(images, condition: nil) }
        #expect(throws: (any Error).self) { try model.distributionParameters(images, condition: random.normal([2, 2, 3, 4])) }
        let unconditional = try self.model([1, 4, 4], resolutions: 2)
        #expect(throws: (any Error).self) { try unconditional.distributionParameters(images, condition: condition) }
    }

    /// Every image of `[C, H, W]` with `levels` levels per value (pixel values k·256/levels).
    private func everyImage(_ shape: [Int], levels: Int) throws -> Tensor {
        let values = shape.reduce(1, *)
        let count = Int(pow(Double(levels), Double(values)))
        var scalars = [Float]()
        scalars.reserveCapacity(count * values)
        for index in 0..<count {
            var rest = index
            for _ in 0..<values {
                scalars.append(Float((rest % levels) * (256 / levels)))
                rest /= levels
            }
        }
        return try Tensor(shape: [count] + shape, scalars: scalars)
    }

    @Test(arguments: [([1, 2, 2], 4, false), ([3, 2, 2], 2, false), ([1, 2, 2], 4, true)])
    func probabilitiesSumToOneOverEveryImage(shape: [Int], levels: Int, conditional: Bool) throws {
        let model = try model(shape, resolutions: 2, conditional: conditional, levels: levels)
        let images = try everyImage(shape, levels: levels)
        var random = RandomStream(seed: 5)
        let condition = conditional
            ? try random.normal([1, 2, shape[1], shape[2]]).broadcast(to: [images.shape[0], 2, shape[1], shape[2]]) : nil
        let logProbabilities = try withoutGradient { try model.logLikelihood(images, condition: condition) }
        let total = logProbabilities.scalars.reduce(0.0) { $0 + exp(Double($1)) }
        #expect(abs(total - 1) < 1e-4, "Σ p(x) = \(total) over \(images.shape[0]) images")
    }

    /// Samples follow the model's own probabilities: a χ² test over the 16 images of a 2×2
    /// binary space (15 degrees of freedom; 37.7 is the 0.1 % critical value).
    @Test func samplesFollowTheModelsProbabilities() throws {
        let model = try model([1, 2, 2], resolutions: 2, levels: 2, seed: 9)
        let images = try everyImage([1, 2, 2], levels: 2)
        let probabilities = try withoutGradient { try model.logLikelihood(images) }.scalars.map { exp(Double($0)) }
        var random = RandomStream(seed: 11)
        let count = 4_000
        let samples = try model.sample(count: count, random: &random)
        #expect(samples.shape == [count, 1, 2, 2])
        var observed = [Double](repeating: 0, count: 16)
        let values = samples.scalars
        for image in 0..<count {
            var index = 0
            for pixel in (0..<4).reversed() { index = index * 2 + (values[image * 4 + pixel] >= 128 ? 1 : 0) }
            observed[index] += 1
        }
        let chiSquared = zip(observed, probabilities).reduce(0.0) { $0 + pow($1.0 - Double(count) * $1.1, 2) / (Double(count) * $1.1) }
        #expect(chiSquared < 37.7, "χ² = \(chiSquared); observed \(observed), expected \(probabilities.map { $0 * Double(count) })")
    }

    /// Sampling passes over the first rows only: their parameters equal the whole image's.
    @Test func theFirstRowsAloneGiveTheWholeImagesParameters() throws {
        let model = try model([3, 7, 5], resolutions: 3, conditional: true)
        var random = RandomStream(seed: 8)
        let images = random.uniform([2, 3, 7, 5]) * 255, condition = random.normal([2, 2, 7, 5])
        let whole = try model.distributionParameters(images, condition: condition)
        let maps = try model.conditioning!(condition, sizes: model.levelSizes)
        for rows in [1, 2, 4, 5, 7] {
            let cropped = try maps.enumerated().map { level, map in
                try map.narrowed(axis: 2, start: 0, length: (rows + (1 << level) - 1) >> level)
            }
            let prefix = try model.parameters(images.narrowed(axis: 2, start: 0, length: rows), features: cropped)
            let expected = try whole.narrowed(axis: 2, start: 0, length: rows)
            #expect(prefix.shape == expected.shape)
            #expect(zip(prefix.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(rows) rows")
        }
    }

    /// PixelCNN++'s weight normalisation with data-dependent initialisation: one forward pass
    /// initialises every weight-normalised layer in order, so on that batch the output layer's
    /// mixture parameters have mean 0 and standard deviation 1 per channel; later batches
    /// change nothing. The plain model (`weightNormalization: false`) has no such layer.
    @Test(arguments: [false, true])
    func oneForwardPassInitialisesEveryWeightNormalisedLayer(conditional: Bool) throws {
        let normalized = try model([3, 6, 5], resolutions: 2, conditional: conditional)
        var flags: [Float] { normalized.namedBuffers.filter { $0.path.hasSuffix("initialized") }.flatMap { $0.buffer.wrappedValue.scalars } }
        // 3 first convolutions; up: per level a u block (2) and a ul block (2 + auxiliary 1×1);
        // down: 1 + 2 blocks of each stream (3 each); 1 halving and 1 doubling per stream; the output.
        #expect(flags.count == 3 + 2 * 5 + 3 * 6 + 2 + 2 + 1)
        #expect(flags.allSatisfy { $0 == 0 })
        var random = RandomStream(seed: 5)
        let images = (random.uniform([6, 3, 6, 5]) * 256).map { $0.rounded(.down) }
        let condition = conditional ? random.normal([6, 2, 6, 5]) : nil
        let parameters = try normalized.distributionParameters(images, condition: condition)
        #expect(flags.allSatisfy { $0 == 1 })
        let mean = try parameters.mean(alongAxes: [0, 2, 3]).scalars
        let deviation = try parameters.variance(alongAxes: [0, 2, 3]).scalars.map { $0.squareRoot() }
        #expect(mean.allSatisfy { Swift.abs($0) < 1e-4 }, "\(mean)")
        #expect(deviation.allSatisfy { Swift.abs($0 - 1) < 1e-3 }, "\(deviation)")
        let weights = normalized.namedParameters.map { $0.parameter.wrappedValue.scalars }
        _ = try normalized.distributionParameters(random.uniform([2, 3, 6, 5]) * 255,
                                                  condition: conditional ? random.normal([2, 2, 6, 5]) : nil)
        #expect(normalized.namedParameters.map { $0.parameter.wrappedValue.scalars } == weights)

        let plain = try model([3, 6, 5], resolutions: 2, conditional: conditional, weightNormalization: false)
        #expect(plain.namedBuffers.allSatisfy { !$0.path.hasSuffix("initialized") })
        // One gain per output channel: F = 4 per layer, 4 more for each of the 10 blocks' gate
        // convolutions (2F outputs), and the output layer's mixture parameters.
        #expect(normalized.parameterCount - plain.parameterCount == 4 * (3 + 2 * 5 + 3 * 6 + 2 + 2) + 4 * 10 + parameters.shape[1])
    }

    @Test func rejectsBadShapesAndSettings() throws {
        var random = RandomStream(seed: 1)
        #expect(throws: (any Error).self) {
            try PixelCNNPlusPlus(imageShape: [2, 4, 4], architecture: PixelCNNArchitecture(filters: 4), random: &random)
        }
        #expect(throws: (any Error).self) {
            try PixelCNNPlusPlus(imageShape: [1, 4, 4], architecture: PixelCNNArchitecture(filters: 4, dropout: 1), random: &random)
        }
        let model = try model([1, 4, 4], resolutions: 2)
        #expect(throws: (any Error).self) { try model.logLikelihood(Tensor.zeros([2, 1, 4, 5])) }
    }
}
