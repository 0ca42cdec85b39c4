import Testing
import TensorCore

/// First-order finite-difference checks and hand-derived values of the reductions.
@Suite struct ReductionGradientTests {
    static let axisCases: [(axes: [Int]?, keep: Bool)] = [
        (nil, false), (nil, true), ([0], false), ([1], true), ([-1], false), ([0, 2], true), ([2, 0], false),
    ]

    @Test(arguments: axisCases.indices)
    func sumMeanVariance(index: Int) throws {
        let (axes, keep) = Self.axisCases[index]
        var data = TestData(seed: 40 + UInt64(index))
        let x = data.uniform([2, 3, 4])
        try expectGradientsMatch([x]) { try $0[0].sum(alongAxes: axes, keepingDimensions: keep) }
        try expectGradientsMatch([x]) { try $0[0].mean(alongAxes: axes, keepingDimensions: keep) }
        try expectGradientsMatch([x]) { try $0[0].variance(alongAxes: axes, keepingDimensions: keep) }
        try expectGradientsMatch([x]) { try $0[0].variance(alongAxes: axes, keepingDimensions: keep, correction: 1) }
    }

    @Test(arguments: [(0, false), (1, true), (-1, false), (2, true)])
    func maxMinLogSumExp(axis: Int, keep: Bool) throws {
        var data = TestData(seed: 50)
        let x = data.distinct([2, 3, 4])
        try expectGradientsMatch([x]) { try $0[0].max(alongAxis: axis, keepingDimensions: keep) }
        try expectGradientsMatch([x]) { try $0[0].min(alongAxis: axis, keepingDimensions: keep) }
        let wide = data.uniform([2, 3, 4], in: -5...5)
        try expectGradientsMatch([wide]) { try $0[0].logSumExp(alongAxis: axis, keepingDimensions: keep) }
    }

    @Test func globalMaxAndMin() throws {
        var data = TestData(seed: 51)
        let x = data.distinct([3, 4])
        try expectGradientsMatch([x]) { try $0[0].max() }
        try expectGradientsMatch([x]) { try $0[0].min() }
        #expect(try x.max().scalar == x.scalars.max()!)
        #expect(try x.min().scalar == x.scalars.min()!)
    }

    @Test func handDerivedValues() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 9])
        #expect(try x.sum(alongAxes: [0]).scalars == [5, 7, 12])
        #expect(try x.sum(alongAxes: [1], keepingDimensions: true).shape == [2, 1])
        #expect(try x.sum(alongAxes: [1]).scalars == [6, 18])
        #expect(try x.mean(alongAxes: [1]).scalars == [2, 6])
        #expect(x.mean().scalar == 4)
        #expect(try x.variance(alongAxes: [1]).scalars == [2.0 / 3, 14.0 / 3])
        #expect(try x.variance(alongAxes: [1], correction: 1).scalars == [1, 7])
        #expect(try x.max(alongAxis: 1).scalars == [3, 9])
        #expect(try x.min(alongAxis: 0).scalars == [1, 2, 3])
        let lse = try x.logSumExp(alongAxis: 1).scalars
        #expect(Swift.abs(lse[0] - Float(Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)))) < 1e-5)
        // Stabilised: exp(1000) overflows Float, log-sum-exp does not.
        let large = Tensor([1000, 1000])
        #expect(Swift.abs(try large.logSumExp(alongAxis: 0).scalar - (1000 + Float(Foundation.log(2.0)))) < 1e-3)
    }

    @Test func logSumExpOfInfiniteEntries() throws {
        let x = try Tensor(shape: [3, 2], scalars: [-.infinity, -.infinity, -.infinity, 0, .infinity, 1])
        #expect(try x.logSumExp(alongAxis: 1).scalars == [-.infinity, 0, .infinity])
    }

    @Test func maxGradientGoesToTheFirstOfTiedElements() throws {
        let x = Tensor([1, 3, 3, 2])
        let g = try gradient(at: x) { try $0.max(alongAxis: 0) }
        #expect(g.scalars == [0, 1, 0, 0])
    }

    @Test func reductionsOfEmptyAxes() throws {
        let empty = Tensor.zeros([2, 0, 3])
        #expect(try empty.sum(alongAxes: [1]).scalars == [0, 0, 0, 0, 0, 0])
        #expect(throws: TensorError.self) { try empty.max(alongAxis: 1) }
    }
}

import Foundation
