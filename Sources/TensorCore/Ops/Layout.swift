// Operations that move scalars without arithmetic: reshape, broadcast, permute,
// slicing and concatenation. Each is linear, so its backward rule is its adjoint
// (broadcast ↔ sum to shape, narrow ↔ zero padding, permute ↔ inverse permute).

extension Tensor {
    /// The same scalars under a new shape; one extent may be `-1` (inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        if inferred.count == 1 {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            if known > 0 && count % known == 0 { resolved[inferred[0]] = count / known }
        }
        guard inferred.count <= 1, resolved.allSatisfy({ $0 >= 0 }), Shape.count(resolved) == count else {
            throw TensorError.shapeMismatch(operation: "reshape", lhs: shape, rhs: newShape,
                                            expected: "the new shape must hold the same \(count) scalars (at most one -1)")
        }
        if resolved == shape { return self }
        let oldShape = shape
        return Tensor(storage: storage, shape: resolved)
            .recording("reshape", inputs: [self]) { g, _ in [try g.reshaped(oldShape)] }
    }

    /// Inserts an axis of extent 1 at `axis`.
    public func expandingShape(at axis: Int) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank + 1, operation: "expandingShape")
        var s = shape
        s.insert(1, at: a)
        return try reshaped(s)
    }

    /// Removes the axis `axis`, which must have extent 1 (the inverse of
    /// `expandingShape(at:)`): `[…, 1, …] -> […, …]`.
    public func squeezed(at axis: Int) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "squeezed")
        guard shape[a] == 1 else {
            throw TensorError.invalidShape(operation: "squeezed", shape: shape,
                                           expected: "axis \(a) has extent \(shape[a]); only an axis of extent 1 can be removed")
        }
        var s = shape
        s.remove(at: a)
        return try reshaped(s)
    }

    /// Collapses all axes after the first: `[B, …] -> [B, prod(…)]`.
    public func flattenedBatch() throws -> Tensor {
        try reshaped([shape.first ?? 1, -1])
    }

    /// Raw broadcast copy (no graph); `self` when the shape already matches.
    func broadcastValues(to target: [Int]) -> Tensor {
        if shape == target { return self }
        if target.count == rank, rank >= 2, shape[0] == 1, target.dropFirst().elementsEqual(shape.dropFirst()),
           let inLayout = Tensor.batchBroadcastInLayout(self, rows: target[0]) {
            return inLayout  // a gradient over the batch mean of an equivariant layer, back to the batch
        }
        let layout = StridedLayout(shape: target, strides: [Shape.broadcastStrides(from: shape, to: target)])
        return Tensor(shape: target) { out, _ in layout.copyRuns(from: storage.pointer, to: out) }
    }

    /// Repeats the tensor along broadcast axes to `target` (NumPy broadcasting).
    public func broadcast(to target: [Int]) throws -> Tensor {
        guard try Shape.broadcast(shape, target, operation: "broadcast(to:)") == target else {
            throw TensorError.shapeMismatch(operation: "broadcast(to:)", lhs: shape, rhs: target,
                                            expected: "the tensor must broadcast to the target without enlarging it")
        }
        let source = shape
        return broadcastValues(to: target)
            .recording("broadcast", inputs: [self]) { g, _ in [try g.sum(toShape: source)] }
    }

    /// Sums over the axes along which `target` was broadcast to this shape (the adjoint
    /// of `broadcast(to:)`).
    public func sum(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard try Shape.broadcast(target, shape, operation: "sum(toShape:)") == shape else {
            throw TensorError.shapeMismatch(operation: "sum(toShape:)", lhs: shape, rhs: target,
                                            expected: "the target must broadcast to the tensor's shape")
        }
        let pad = rank - target.count
        var axes = Array(0..<pad)
        for (i, extent) in target.enumerated() where extent == 1 && shape[pad + i] != 1 { axes.append(pad + i) }
        return try sum(alongAxes: axes, keepingDimensions: true).reshaped(target)
    }

    /// Reorders the axes: output axis `i` is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw TensorError.invalidArgument(operation: "permute",
                                              detail: "\(axes) is not a permutation of the \(rank) axes of a tensor of shape \(shape)")
        }
        if axes == Array(0..<rank) { return self }
        let sourceStrides = Shape.strides(shape)
        let outShape = axes.map { shape[$0] }
        let layout = StridedLayout(shape: outShape, strides: [axes.map { sourceStrides[$0] }])
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor(shape: outShape) { out, _ in layout.copyRuns(from: storage.pointer, to: out) }
            .recording("permute", inputs: [self]) { g, _ in [try g.permuted(inverse)] }
    }

    /// Swaps two axes (by default the last two: the matrix transpose).
    public func transposed(_ first: Int = -2, _ second: Int = -1) throws -> Tensor {
        let a = try Shape.normalize(axis: first, rank: rank, operation: "transpose")
        let b = try Shape.normalize(axis: second, rank: rank, operation: "transpose")
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return try permuted(axes)
    }

    /// The sub-tensor `start ..< start + length` along `axis`.
    public func narrowed(axis: Int, start: Int, length: Int) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "narrow")
        guard start >= 0, length >= 0, start + length <= shape[a] else {
            throw TensorError.outOfRange(operation: "narrow",
                                         detail: "range \(start)..<\(start + length) is outside axis \(a) of extent \(shape[a]) (shape \(shape))")
        }
        if start == 0 && length == shape[a] { return self }
        let full = shape
        return AxisBlocks(shape: shape, axis: a).copy(from: self, fromRange: start..<start + length,
                                                       into: length, at: 0)
            .recording("narrow", inputs: [self]) { g, _ in
                [try g.padded(axis: a, before: start, after: full[a] - start - length)]
            }
    }

    /// Inserts zeros before and after the tensor along `axis` (the adjoint of `narrowed`).
    public func padded(axis: Int, before: Int, after: Int) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "pad")
        guard before >= 0, after >= 0 else {
            throw TensorError.invalidArgument(operation: "pad", detail: "padding \(before), \(after) must be non-negative")
        }
        let length = shape[a]
        return AxisBlocks(shape: shape, axis: a).copy(from: self, fromRange: 0..<length,
                                                       into: length + before + after, at: before)
            .recording("pad", inputs: [self]) { g, _ in
                [try g.narrowed(axis: a, start: before, length: length)]
            }
    }

    /// Splits along `axis` into pieces of the given sizes.
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "split")
        guard sizes.reduce(0, +) == shape[a], sizes.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(operation: "split",
                                              detail: "sizes \(sizes) must add up to the extent \(shape[a]) of axis \(a) (shape \(shape))")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try narrowed(axis: a, start: start, length: size)
        }
    }

    /// Joins tensors along `axis`; all other extents must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "concatenate", detail: "needs at least one tensor")
        }
        let a = try Shape.normalize(axis: axis, rank: first.rank, operation: "concatenate")
        for t in tensors.dropFirst() {
            var l = first.shape, r = t.shape
            guard l.count == r.count else {
                throw TensorError.shapeMismatch(operation: "concatenate", lhs: first.shape, rhs: t.shape,
                                                expected: "all tensors need the same rank")
            }
            l[a] = 0; r[a] = 0
            guard l == r else {
                throw TensorError.shapeMismatch(operation: "concatenate", lhs: first.shape, rhs: t.shape,
                                                expected: "all extents but axis \(a) must agree")
            }
        }
        let sizes = tensors.map { $0.shape[a] }
        var outShape = first.shape
        outShape[a] = sizes.reduce(0, +)
        let result = Tensor(shape: outShape) { out, _ in
            var offset = 0
            for t in tensors {
                AxisBlocks(shape: t.shape, axis: a).copyRaw(from: t.storage.pointer, fromRange: 0..<t.shape[a],
                                                             to: out, targetExtent: outShape[a], at: offset)
                offset += t.shape[a]
            }
        }
        return result.recording("concatenate", inputs: tensors) { g, _ in
            try g.split(sizes: sizes, axis: a).map { Optional($0) }
        }
    }

    /// Stacks equally shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        try concatenate(try tensors.map { try $0.expandingShape(at: axis) }, axis: axis)
    }
}

/// A tensor viewed as `[outer, extent, inner]` around one axis, for block copies.
struct AxisBlocks {
    let shape: [Int]
    let axis: Int
    let outer: Int
    let inner: Int

    init(shape: [Int], axis: Int) {
        self.shape = shape
        self.axis = axis
        outer = shape[..<axis].reduce(1, *)
        inner = shape[(axis + 1)...].reduce(1, *)
    }

    /// Copies `fromRange` of the axis into a zero-filled tensor whose axis has extent
    /// `extent`, starting at `offset`.
    func copy(from source: Tensor, fromRange: Range<Int>, into extent: Int, at offset: Int) -> Tensor {
        var outShape = shape
        outShape[axis] = extent
        return Tensor(shape: outShape) { out, n in
            if fromRange.count != extent { out.initialize(repeating: 0, count: n) }
            copyRaw(from: source.storage.pointer, fromRange: fromRange, to: out, targetExtent: extent, at: offset)
        }
    }

    /// Copies rows `fromRange` of each outer block of `source` (which has this shape)
    /// to rows starting at `at` of each block of `target` (axis extent `targetExtent`).
    func copyRaw(from source: UnsafePointer<Float>, fromRange: Range<Int>, to target: UnsafeMutablePointer<Float>,
                 targetExtent: Int, at: Int) {
        let sourceExtent = shape[axis]
        let run = fromRange.count * inner
        guard run > 0 else { return }
        for o in 0..<outer {
            let src = source + (o * sourceExtent + fromRange.lowerBound) * inner
            let dst = target + (o * targetExtent + at) * inner
            dst.update(from: src, count: run)
        }
    }
}

extension StridedLayout {
    /// Gathers `source` (read through operand 0's strides) into contiguous `out`.
    @inlinable
    func copyRuns(from source: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>) {
        let inner = innerCount, s = strides[0].last!
        forEachRun { run, offsets in
            let o = out + run * inner, p = source + offsets[0]
            if s == 1 {
                o.update(from: p, count: inner)
            } else if s == 0 {
                o.update(repeating: p[0], count: inner)
            } else {
                for i in 0..<inner { o[i] = p[i * s] }
            }
        }
    }
}
