import PropertyBased
import Testing
import TensorCore

/// Round trips and reference index mappings of the layout operations on random shapes.
@Suite struct LayoutPropertyTests {
    @Test func permuteMatchesIndexMappingAndInverts() async {
        await propertyCheck(input: Generators.shape, Generators.seed) { shape, seed throws in
            var data = TestData(seed: seed)
            var stream = RandomStream(seed: seed)
            let axes = stream.permutation(shape.count)
            let x = data.uniform(shape)
            let p = try x.permuted(axes)
            #expect(p.shape == axes.map { shape[$0] })
            // Output multi-index o reads input multi-index i with i[axes[k]] = o[k].
            let inputStrides = Shape.strides(shape), outStrides = Shape.strides(p.shape)
            let expected = (0..<x.count).map { flat in
                x.scalars[(0..<shape.count).reduce(0) { offset, k in
                    offset + (flat / outStrides[k]) % p.shape[k] * inputStrides[axes[k]]
                }]
            }
            #expect(p.scalars == expected)
            var inverse = [Int](repeating: 0, count: axes.count)
            for (i, a) in axes.enumerated() { inverse[a] = i }
            #expect(isIdentical(try p.permuted(inverse), x))
        }
    }

    @Test func reshapeRoundTrip() async {
        await propertyCheck(input: Generators.shape, Generators.seed) { shape, seed throws in
            var data = TestData(seed: seed)
            let x = data.uniform(shape)
            let flat = try x.reshaped([-1])
            #expect(flat.shape == [x.count] && flat.scalars == x.scalars)
            let matrix = try x.reshaped([shape.first ?? 1, -1])
            #expect(isIdentical(try matrix.reshaped(shape), x))
        }
    }

    @Test func concatenateAndSplitRoundTrip() async {
        await propertyCheck(input: Generators.shape.filter { !$0.isEmpty }, Generators.seed) { shape, seed throws in
            var data = TestData(seed: seed)
            var stream = RandomStream(seed: seed).split("layout")
            let axis = stream.integer(in: 0..<shape.count)
            // Pieces of random sizes (0 allowed) along the axis.
            let sizes = (0..<stream.integer(in: 1..<4)).map { _ in stream.integer(in: 0..<3) }
            let pieces = sizes.map { size -> Tensor in
                var s = shape
                s[axis] = size
                return data.uniform(s)
            }
            let joined = try Tensor.concatenate(pieces, axis: axis)
            #expect(joined.shape[axis] == sizes.reduce(0, +))
            let parts = try joined.split(sizes: sizes, axis: axis)
            #expect(zip(parts, pieces).allSatisfy { isIdentical($0, $1) })
            // Splitting then joining any tensor is the identity.
            let whole = data.uniform(shape)
            let cut = [shape[axis] / 2, shape[axis] - shape[axis] / 2]
            #expect(isIdentical(try Tensor.concatenate(try whole.split(sizes: cut, axis: axis), axis: axis), whole))
        }
    }

    @Test func narrowAndPadAreAdjoint() async {
        await propertyCheck(input: Generators.shape.filter { !$0.isEmpty }, Generators.seed) { shape, seed throws in
            var data = TestData(seed: seed)
            var stream = RandomStream(seed: seed).split("narrow")
            let axis = stream.integer(in: 0..<shape.count)
            let start = stream.integer(in: 0..<shape[axis] + 1)
            let length = stream.integer(in: 0..<shape[axis] - start + 1)
            let x = data.uniform(shape)
            let narrow = try x.narrowed(axis: axis, start: start, length: length)
            let y = data.uniform(narrow.shape)
            let padded = try y.padded(axis: axis, before: start, after: shape[axis] - start - length)
            #expect(Swift.abs(innerProduct(narrow, y) - innerProduct(x, padded)) < 1e-5 * (1 + Swift.abs(innerProduct(narrow, y))))
            #expect(isIdentical(try padded.narrowed(axis: axis, start: start, length: length), y))
        }
    }
}
