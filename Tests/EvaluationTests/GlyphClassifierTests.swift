import Datasets
import Evaluation
import Foundation
import TensorCore
import Testing

@Suite struct GlyphClassifierTests {
    /// A couple of hundred steps on fresh 16×16 glyphs already classify held-out glyphs
    /// almost perfectly; the experiments train longer at 32×32 and report the accuracy reached.
    @Test func itLearnsTheGlyphsAndCountsStackedModes() throws {
        var random = RandomStream(seed: 21)
        var glyphs = ProceduralGlyphs()
        glyphs.size = 16
        glyphs.strokeWidth = 1.2...2
        let classifier = try GlyphClassifier(imageSize: 16, random: &random)
        try classifier.train(on: glyphs, steps: 200, batchSize: 32, random: &random)
        var heldOut = RandomStream(seed: 99)
        let accuracy = try classifier.accuracy(on: glyphs, count: 500, random: &heldOut)
        #expect(accuracy > 0.95, "held-out accuracy \(accuracy)")
        var stackedRandom = RandomStream(seed: 100)
        let (images, modes) = try glyphs.stacked(count: 200, random: &stackedRandom)
        let predicted = try classifier.modes(ofStacked: images)
        #expect(Double(zip(predicted, modes).filter { $0 == $1 }.count) / 200 > 0.85)
        #expect(try classifier.features(ofStacked: images).shape == [200, 192])
        #expect(throws: TensorError.self) { try classifier.modes(ofStacked: Tensor.zeros([2, 3, 32, 32])) }
        #expect(classifier.weightsHash.count == 16)
        // 200 samples spread over ~180 distinct modes score far above a single repeated one.
        let spread = try classifier.inceptionScoreAnalogue(ofStacked: images)
        let repeated = try classifier.inceptionScoreAnalogue(ofStacked: images.narrowed(axis: 0, start: 0, length: 1)
            .broadcast(to: [50, 3, 16, 16]))
        #expect(spread > 50 && abs(repeated - 1) < 1e-6, "IS \(spread) vs \(repeated)")
    }

    @Test func inceptionScoreFormula() throws {
        #expect(abs(try inceptionScore(probabilities: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]) - 3) < 1e-12)
        #expect(abs(try inceptionScore(probabilities: [[0.2, 0.8], [0.2, 0.8]]) - 1) < 1e-12)
        // Two samples, half-confident: KL = ½·ln(4/3)·… computed by hand: p(y) = (½, ½).
        let rows: [[Double]] = [[0.75, 0.25], [0.25, 0.75]]
        let kl = 0.75 * log(1.5) + 0.25 * log(0.5)
        #expect(abs(try inceptionScore(probabilities: rows) - exp(kl)) < 1e-12)
        #expect(throws: EvaluationError.self) { try inceptionScore(probabilities: [[0.5, 0.6]]) }
    }

    @Test func stackedModeCoverageCountsAndMeasuresTheHistogram() {
        let even = stackedModeCoverage(modes: [1, 2, 3, 4], total: 8)
        #expect(even.covered == 4 && abs(even.reverseKL - log(2)) < 1e-12)
        let all = stackedModeCoverage(modes: Array(0..<1000))
        #expect(all.covered == 1000 && abs(all.reverseKL) < 1e-12)
    }
}
