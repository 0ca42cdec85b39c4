import Datasets
import DensityExperiments
import Foundation
import NeuralNet
import TensorCore
import Testing
import Training

/// The uniform distribution on 8-bit images, written either as a density on dequantised
/// pixels / 256 (1 on [0, 1)^D: log-likelihood 0) or as a discrete model of the 256 levels
/// (−D ln 256): both are 8 bits per dimension.
final class UniformImages: Module, LikelihoodModel, SampleGenerator {
    let logValue: Float
    let rowShape: [Int]

    init(logValue: Float, rowShape: [Int]) {
        self.logValue = logValue
        self.rowShape = rowShape
        super.init()
    }

    func logLikelihood(_ inputs: Tensor) throws -> Tensor { Tensor(repeating: logValue, shape: [inputs.shape[0]]) }

    func sample(count: Int, random: inout RandomStream) throws -> Tensor { random.uniform([count] + rowShape) }
}

@Suite struct BitsPerDimensionPathTests {
    /// Through the whole reporting path (dequantisation, offsets, nats to bits), a uniform
    /// model scores exactly 8.0 bits per dimension on either scale.
    @Test func aUniformModelScoresEightBitsThroughTheEvaluator() throws {
        var random = RandomStream(seed: 1)
        let images = try ImageDataset(shape: [30, 1, 4, 4], pixels: (0..<480).map { _ in UInt8(random.integer(in: 0..<256)) },
                                      source: "noise")
        let dimensions = 16
        let continuous = DensityModel(module: UniformImages(logValue: 0, rowShape: [1, 4, 4]), scaling: .unit, imageShape: [1, 4, 4])
        let discrete = DensityModel(module: UniformImages(logValue: -Float(dimensions) * Float(log(256.0)), rowShape: [1, 4, 4]),
                                    scaling: .levels(256), imageShape: [1, 4, 4])
        for model in [continuous, discrete] {
            let result = try DensityEvaluator(model: model, importanceSamples: 1, chunk: 7).evaluate(images)
            #expect(result.images == 30)
            #expect(abs(result.bpd - 8) < 1e-5, "\(model.scaling): \(result.bpd)")
            #expect(abs(result.nll - Double(dimensions) * log(256)) < 1e-3)
        }
        let result = try DensityEvaluator(model: continuous, importanceSamples: 1).evaluate(images)
        #expect(result.continuousNLL.map { abs($0) < 1e-3 } == true)
        // Another image shape is refused.
        let other = try ImageDataset(shape: [2, 1, 2, 2], pixels: [UInt8](repeating: 0, count: 8), source: "small")
        #expect(throws: DatasetError.self) { try DensityEvaluator(model: continuous, importanceSamples: 1).evaluate(other) }
    }
}
