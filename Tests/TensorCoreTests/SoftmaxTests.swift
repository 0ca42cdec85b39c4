import Foundation
import Testing
import TensorCore

/// `softmax` and `logSoftmax`: values, stability, and first- and second-order gradients.
@Suite struct SoftmaxTests {
    @Test func handDerivedValues() throws {
        let logits = Tensor([0, Float(Foundation.log(2.0)), Float(Foundation.log(5.0))])
        #expect(isClose(try softmax(logits), Tensor([0.125, 0.25, 0.625])))
        #expect(isClose(try logSoftmax(logits), Tensor([Float(Foundation.log(0.125)), Float(Foundation.log(0.25)), Float(Foundation.log(0.625))])))
    }

    @Test func largeLogitsDoNotOverflow() throws {
        let logits = Tensor([1000, 1000, -1000])
        #expect(isClose(try softmax(logits), Tensor([0.5, 0.5, 0])))
        let log = try logSoftmax(logits).scalars
        #expect(Swift.abs(log[0] + Float(Foundation.log(2.0))) < 1e-4 && log[2] < -1999)
    }

    @Test(arguments: [0, 1, 2, -1])
    func agreesWithTheComposedDefinition(axis: Int) throws {
        var data = TestData(seed: 300)
        let x = data.uniform([2, 3, 4], in: -4...4)
        let composed = try x - x.logSumExp(alongAxis: axis, keepingDimensions: true)
        #expect(isClose(try logSoftmax(x, alongAxis: axis), composed))
        #expect(isClose(try softmax(x, alongAxis: axis), exp(composed)))
        // Every line along the axis sums to one.
        let totals = try softmax(x, alongAxis: axis).sum(alongAxes: [axis])
        #expect(totals.scalars.allSatisfy { Swift.abs($0 - 1) < 1e-6 })
        // Shifting a line leaves its softmax unchanged.
        #expect(isClose(try softmax(x + 7, alongAxis: axis), try softmax(x, alongAxis: axis)))
    }

    @Test(arguments: [0, 1, -1])
    func gradients(axis: Int) throws {
        var data = TestData(seed: 301)
        let x = data.uniform([2, 3, 4], in: -2...2)
        try expectGradientsMatch([x]) { try softmax($0[0], alongAxis: axis) }
        try expectGradientsMatch([x]) { try logSoftmax($0[0], alongAxis: axis) }
        let w = data.positive([4], in: 0.5...1.5)
        try expectSecondOrderGradientsMatch([x, w]) { try softmax(try $0[0] * $0[1], alongAxis: axis) }
        try expectSecondOrderGradientsMatch([x, w]) { try logSoftmax(try $0[0] * $0[1], alongAxis: axis) }
    }

    @Test func maskedEntries() throws {
        // −∞ logits get probability 0 and the rest renormalise.
        let logits = Tensor([0, -.infinity, 0])
        #expect(try softmax(logits).scalars == [0.5, 0, 0.5])
        #expect(try logSoftmax(logits).scalars[1] == -.infinity)
    }

    @Test func badAxisThrows() {
        #expect(throws: TensorError.self) { try softmax(Tensor.zeros([2, 3]), alongAxis: 2) }
        #expect(throws: TensorError.self) { try logSoftmax(Tensor(1), alongAxis: 0) }
    }

    @Test func emptyAxisGivesAnEmptyResult() throws {
        #expect(try softmax(Tensor.zeros([2, 0]), alongAxis: 1).shape == [2, 0])
    }
}
