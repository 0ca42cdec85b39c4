// Gathers and scatters. `gatherFlat` and `scatterAddFlat` are adjoint linear maps, so
// each is the other's backward rule; `indexSelect` / `indexAdd` are the same pair
// along one axis.

extension Tensor {
    /// `out[j] = self.flat[indices[j]]`, reshaped to `shape`.
    public func gatherFlat(indices: [Int], shape outShape: [Int]) throws -> Tensor {
        guard Shape.count(outShape) == indices.count else {
            throw TensorError.invalidShape(operation: "gatherFlat", shape: outShape,
                                           expected: "it must hold the \(indices.count) gathered elements")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw TensorError.outOfRange(operation: "gatherFlat", detail: "index \(bad) is outside a tensor of \(count) elements")
        }
        let sourceShape = shape
        return Tensor(shape: outShape) { out, _ in
            let x = storage.pointer
            for (j, i) in indices.enumerated() { out[j] = x[i] }
        }.recording("gatherFlat", inputs: [self]) { g, _ in
            [try g.scatterAddFlat(indices: indices, shape: sourceShape)]
        }
    }

    /// `out.flat[indices[j]] += self.flat[j]` into zeros of `shape` (adjoint of `gatherFlat`).
    public func scatterAddFlat(indices: [Int], shape outShape: [Int]) throws -> Tensor {
        guard indices.count == count else {
            throw TensorError.invalidShape(operation: "scatterAddFlat", shape: shape,
                                           expected: "it must hold one element per index (\(indices.count))")
        }
        let total = Shape.count(outShape)
        if let bad = indices.first(where: { $0 < 0 || $0 >= total }) {
            throw TensorError.outOfRange(operation: "scatterAddFlat", detail: "index \(bad) is outside a tensor of \(total) elements")
        }
        let sourceShape = shape
        return Tensor(shape: outShape) { out, n in
            out.initialize(repeating: 0, count: n)
            let x = storage.pointer
            for (j, i) in indices.enumerated() { out[i] += x[j] }
        }.recording("scatterAddFlat", inputs: [self]) { g, _ in
            [try g.gatherFlat(indices: indices, shape: sourceShape)]
        }
    }

    /// Selects entries `indices` along `axis` (repetitions allowed):
    /// `[…, n, …] -> […, indices.count, …]`.
    public func indexSelect(_ indices: [Int], axis: Int) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "indexSelect")
        if let bad = indices.first(where: { $0 < 0 || $0 >= shape[a] }) {
            throw TensorError.outOfRange(operation: "indexSelect",
                                         detail: "index \(bad) is outside axis \(a) of extent \(shape[a]) (shape \(shape))")
        }
        let blocks = AxisBlocks(shape: shape, axis: a)
        var outShape = shape
        outShape[a] = indices.count
        let extent = shape[a], inner = blocks.inner
        return Tensor(shape: outShape) { out, _ in
            let x = storage.pointer
            for o in 0..<blocks.outer {
                for (j, i) in indices.enumerated() {
                    (out + (o * indices.count + j) * inner).update(from: x + (o * extent + i) * inner, count: inner)
                }
            }
        }.recording("indexSelect", inputs: [self]) { g, _ in
            [try g.indexAdd(indices, axis: a, extent: extent)]
        }
    }

    /// Adds slice `j` along `axis` into slice `indices[j]` of a zero tensor whose axis
    /// has `extent` (adjoint of `indexSelect`).
    public func indexAdd(_ indices: [Int], axis: Int, extent: Int) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "indexAdd")
        guard indices.count == shape[a] else {
            throw TensorError.invalidArgument(operation: "indexAdd",
                                              detail: "\(indices.count) indices for axis \(a) of extent \(shape[a])")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= extent }) {
            throw TensorError.outOfRange(operation: "indexAdd", detail: "index \(bad) is outside 0..<\(extent)")
        }
        let blocks = AxisBlocks(shape: shape, axis: a)
        var outShape = shape
        outShape[a] = extent
        let inner = blocks.inner
        return Tensor(shape: outShape) { out, n in
            out.initialize(repeating: 0, count: n)
            let x = storage.pointer
            for o in 0..<blocks.outer {
                for (j, i) in indices.enumerated() {
                    let dst = out + (o * extent + i) * inner, src = x + (o * indices.count + j) * inner
                    for k in 0..<inner { dst[k] += src[k] }
                }
            }
        }.recording("indexAdd", inputs: [self]) { g, _ in
            [try g.indexSelect(indices, axis: a)]
        }
    }
}
