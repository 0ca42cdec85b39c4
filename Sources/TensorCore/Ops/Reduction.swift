import Foundation

// Reductions over axes. `sum` is the primitive (its adjoint is `broadcast`); `max` and
// `min` pick elements with `gatherFlat`, so their gradients flow to the chosen element.

extension Tensor {
    /// Sum over one axis viewed as `[outer, extent, inner]` (no graph recording).
    private func sumKernel(axis: Int) -> Tensor {
        if axis == 0, let inLayout = Tensor.batchSumInLayout(self) { return inLayout }
        let blocks = AxisBlocks(shape: shape, axis: axis)
        let extent = shape[axis], inner = blocks.inner
        var outShape = shape
        outShape[axis] = 1
        // Each output is summed in the same order however the work is split: over the outer
        // blocks when there are several, else over the inner positions.
        let splitOuter = blocks.outer > 1 || inner == 1
        return Tensor(shape: outShape) { out, _ in
            let x = storage.pointer
            KernelThreads.forEachPart(of: splitOuter ? blocks.outer : inner, work: count) { part in
                let (outer, positions) = splitOuter ? (part, 0..<inner) : (0..<1, part)
                for o in outer {
                    let dst = out + o * inner, src = x + o * extent * inner
                    if inner == 1 {
                        var acc: Float = 0
                        for k in 0..<extent { acc += src[k] }
                        dst[0] = acc
                    } else if extent == 0 {
                        // An empty axis sums to zero; `src` holds no row to read.
                        (dst + positions.lowerBound).update(repeating: 0, count: positions.count)
                    } else {
                        (dst + positions.lowerBound).update(from: src + positions.lowerBound, count: positions.count)
                        for k in 1..<extent {
                            let row = src + k * inner
                            for i in positions { dst[i] += row[i] }
                        }
                    }
                }
            }
        }
    }

    private func resolvedAxes(_ axes: [Int]?, operation: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(try axes.map { try Shape.normalize(axis: $0, rank: rank, operation: operation) })).sorted()
    }

    private func reducedShape(_ axes: [Int], keepingDimensions: Bool) -> [Int] {
        keepingDimensions
            ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Sum over `axes` (all axes when `nil`).
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let resolved = try resolvedAxes(axes, operation: "sum")
        var reduced = self.detached
        for axis in resolved { reduced = reduced.sumKernel(axis: axis) }
        let keptShape = reducedShape(resolved, keepingDimensions: true)
        let outShape = reducedShape(resolved, keepingDimensions: keepingDimensions)
        let result = Tensor(storage: reduced.storage, shape: outShape)
        let inputShape = shape
        return result.recording("sum", inputs: [self]) { g, _ in
            [try g.reshaped(keptShape).broadcast(to: inputShape)]
        }
    }

    /// Sum of all elements, as a scalar tensor.
    public func sum() -> Tensor { try! sum(alongAxes: nil) }

    /// Mean over `axes` (all axes when `nil`).
    public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) throws -> Tensor {
        let resolved = try resolvedAxes(axes, operation: "mean")
        let n = resolved.map { shape[$0] }.reduce(1, *)
        return try sum(alongAxes: resolved, keepingDimensions: keepingDimensions) / Float(Swift.max(n, 1))
    }

    /// Mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { try! mean(alongAxes: nil) }

    /// Variance over `axes`: `mean((x - mean x)²)`, divided by `n - correction`.
    public func variance(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false,
                         correction: Int = 0) throws -> Tensor {
        let resolved = try resolvedAxes(axes, operation: "variance")
        let n = resolved.map { shape[$0] }.reduce(1, *)
        let centered = try self - mean(alongAxes: resolved, keepingDimensions: true)
        return try square(centered).sum(alongAxes: resolved, keepingDimensions: keepingDimensions)
            / Float(Swift.max(n - correction, 1))
    }

    /// Maximum over one axis; the gradient goes to the first maximal element.
    public func max(alongAxis axis: Int, keepingDimensions: Bool = false) throws -> Tensor {
        try extremum(alongAxis: axis, keepingDimensions: keepingDimensions, operation: "max", >)
    }

    /// Minimum over one axis; the gradient goes to the first minimal element.
    public func min(alongAxis axis: Int, keepingDimensions: Bool = false) throws -> Tensor {
        try extremum(alongAxis: axis, keepingDimensions: keepingDimensions, operation: "min", <)
    }

    /// Flat indices of the first extremal element along `axis`, in the layout of the
    /// reduced tensor with the axis kept.
    public func argExtremum(alongAxis axis: Int, _ better: (Float, Float) -> Bool) throws -> [Int] {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: "argmax")
        let blocks = AxisBlocks(shape: shape, axis: a)
        let extent = shape[a], inner = blocks.inner
        guard extent > 0 else {
            throw TensorError.invalidShape(operation: "max/min", shape: shape, expected: "axis \(a) must not be empty")
        }
        var indices = [Int](repeating: 0, count: blocks.outer * inner)
        let x = storage.pointer
        for o in 0..<blocks.outer {
            for i in 0..<inner {
                var best = o * extent * inner + i
                for k in 1..<extent {
                    let j = (o * extent + k) * inner + i
                    if better(x[j], x[best]) { best = j }
                }
                indices[o * inner + i] = best
            }
        }
        return indices
    }

    private func extremum(alongAxis axis: Int, keepingDimensions: Bool, operation: String,
                          _ better: (Float, Float) -> Bool) throws -> Tensor {
        let a = try Shape.normalize(axis: axis, rank: rank, operation: operation)
        let indices = try argExtremum(alongAxis: a, better)
        return try gatherFlat(indices: indices, shape: reducedShape([a], keepingDimensions: keepingDimensions))
    }

    /// Maximum over all elements, as a scalar tensor.
    public func max() throws -> Tensor { try reshaped([-1]).max(alongAxis: 0) }

    /// Minimum over all elements, as a scalar tensor.
    public func min() throws -> Tensor { try reshaped([-1]).min(alongAxis: 0) }

    /// `log Σ exp(x)` over one axis, stabilised by the (constant) maximum.
    public func logSumExp(alongAxis axis: Int, keepingDimensions: Bool = false) throws -> Tensor {
        // An infinite maximum would make x − shift NaN; shifting by 0 instead gives the
        // right limits (−∞ for a line of −∞, +∞ when any entry is +∞).
        let shift = try max(alongAxis: axis, keepingDimensions: true).detached.map { $0.isFinite ? $0 : 0 }
        let total = try log(exp(self - shift).sum(alongAxes: [axis], keepingDimensions: true)) + shift
        return keepingDimensions ? total : try total.reshaped(reducedShape([try Shape.normalize(axis: axis, rank: rank, operation: "logSumExp")], keepingDimensions: false))
    }
}
