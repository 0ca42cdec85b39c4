import Testing
import TensorCore

/// First-order finite-difference checks and hand-derived values of the operations
/// that move scalars: reshape, broadcast, permute, slicing, joining, gathers.
@Suite struct LayoutGradientTests {
    private var data = TestData(seed: 60)

    @Test mutating func reshapeAndAxisInsertion() throws {
        let x = data.uniform([2, 3, 2])
        try expectGradientsMatch([x]) { try $0[0].reshaped([3, -1]) }
        try expectGradientsMatch([x]) { try $0[0].expandingShape(at: -1).squeezed(at: 3) }
        try expectGradientsMatch([x]) { try $0[0].flattenedBatch() }
        // Reading the scalars after a reshape: the order is row-major and unchanged.
        #expect(try x.reshaped([3, -1]).scalars == x.scalars)
        #expect(try x.expandingShape(at: 1).shape == [2, 1, 3, 2])
        #expect(try x.expandingShape(at: -1).shape == [2, 3, 2, 1])
        #expect(try x.reshaped([2, 1, 6]).squeezed(at: 1).shape == [2, 6])
    }

    @Test(arguments: [([3], [2, 3]), ([1, 3], [4, 3]), ([2, 1, 1], [2, 3, 4]), ([], [2, 2])])
    func broadcastAndItsAdjoint(source: [Int], target: [Int]) throws {
        var data = TestData(seed: 61)
        try expectGradientsMatch([data.uniform(source)]) { try $0[0].broadcast(to: target) }
        try expectGradientsMatch([data.uniform(target)]) { try $0[0].sum(toShape: source) }
    }

    @Test func broadcastValues() throws {
        let x = try Tensor(shape: [2, 1], scalars: [1, 2])
        #expect(try x.broadcast(to: [2, 3]).scalars == [1, 1, 1, 2, 2, 2])
        #expect(try x.broadcast(to: [2, 2, 2]).scalars == [1, 1, 2, 2, 1, 1, 2, 2])
        let y = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try y.sum(toShape: [1, 3]).scalars == [5, 7, 9])
        #expect(try y.sum(toShape: [2, 1]).scalars == [6, 15])
        #expect(try y.sum(toShape: [3]).scalars == [5, 7, 9])
        #expect(try y.sum(toShape: []).scalars == [21])
    }

    @Test mutating func permuteAndTranspose() throws {
        let x = data.uniform([2, 3, 4])
        try expectGradientsMatch([x]) { try $0[0].permuted([2, 0, 1]) }
        try expectGradientsMatch([x]) { try $0[0].transposed() }
        try expectGradientsMatch([x]) { try $0[0].transposed(0, 2) }
        let m = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try m.transposed().scalars == [1, 4, 2, 5, 3, 6])
        let p = try x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        // Output element [k, i, j] is input element [i, j, k].
        #expect(p.scalars[(3 * 2 + 1) * 3 + 2] == x.scalars[(1 * 3 + 2) * 4 + 3])
    }

    @Test mutating func narrowPadAndSplit() throws {
        let x = data.uniform([3, 5, 2])
        try expectGradientsMatch([x]) { try $0[0].narrowed(axis: 1, start: 1, length: 3) }
        try expectGradientsMatch([x]) { try $0[0].padded(axis: -1, before: 2, after: 1) }
        try expectGradientsMatch([x]) { try Tensor.concatenate(try $0[0].split(sizes: [2, 0, 3], axis: 1).map { $0 * 2 }, axis: 1) }
        // Each piece of a split gets its own gradient; weight them differently.
        try expectGradientsMatch([x]) { inputs in
            let pieces = try inputs[0].split(sizes: [1, 2], axis: 0)
            return try pieces[0].sum() * 3 + square(pieces[1]).sum()
        }
        let v = Tensor([1, 2, 3, 4])
        #expect(try v.narrowed(axis: 0, start: 1, length: 2).scalars == [2, 3])
        #expect(try v.padded(axis: 0, before: 1, after: 2).scalars == [0, 1, 2, 3, 4, 0, 0])
    }

    @Test mutating func concatenateAndStack() throws {
        let a = data.uniform([2, 3]), b = data.uniform([2, 1]), c = data.uniform([2, 2])
        try expectGradientsMatch([a, b, c]) { try Tensor.concatenate($0, axis: 1) }
        try expectGradientsMatch([a, data.uniform([1, 3])]) { try Tensor.concatenate($0, axis: 0) }
        try expectGradientsMatch([a, data.uniform([2, 3])]) { try Tensor.stack($0, axis: 1) }
        try expectGradientsMatch([a, data.uniform([2, 3])]) { try Tensor.stack($0, axis: -1) }
        let joined = try Tensor.concatenate([Tensor([1, 2]), Tensor([3])])
        #expect(joined.scalars == [1, 2, 3])
        let stacked = try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1)
        #expect(stacked.shape == [2, 2] && stacked.scalars == [1, 3, 2, 4])
    }

    @Test mutating func gatherAndScatter() throws {
        let x = data.uniform([2, 3])
        let indices = [5, 0, 0, 3, 2, 5, 1, 4]
        try expectGradientsMatch([x]) { try $0[0].gatherFlat(indices: indices, shape: [2, 4]) }
        try expectGradientsMatch([data.uniform([8])]) { try $0[0].scatterAddFlat(indices: indices, shape: [3, 2]) }
        #expect(try x.gatherFlat(indices: [2, 2, 0], shape: [3]).scalars == [x.scalars[2], x.scalars[2], x.scalars[0]])
        let scattered = try Tensor([1, 2, 3]).scatterAddFlat(indices: [1, 1, 0], shape: [2])
        #expect(scattered.scalars == [3, 3])
    }

    @Test mutating func indexSelectAndAdd() throws {
        let x = data.uniform([2, 4, 3])
        try expectGradientsMatch([x]) { try $0[0].indexSelect([3, 0, 3, 1, 1], axis: 1) }
        try expectGradientsMatch([x]) { try $0[0].indexAdd([2, 0, 2, 4], axis: -2, extent: 5) }
        let m = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try m.indexSelect([2, 0], axis: 0).scalars == [5, 6, 1, 2])
        #expect(try m.indexSelect([1, 1, 0], axis: 1).scalars == [2, 2, 1, 4, 4, 3, 6, 6, 5])
        #expect(try m.indexAdd([1, 1, 0], axis: 0, extent: 2).scalars == [5, 6, 4, 6])
    }
}
