import CKernels
import Foundation

// Elementwise binary arithmetic with NumPy broadcasting. Gradients of broadcast
// operands are summed back to the operand's shape (`sum(toShape:)`).

extension Tensor {
    /// Applies `f` elementwise to the broadcast of `lhs` and `rhs` (no graph recording).
    @inline(__always)
    static func broadcastKernel(_ lhs: Tensor, _ rhs: Tensor, operation: String,
                                _ f: (Float, Float) -> Float) throws -> Tensor {
        if lhs.shape == rhs.shape {
            return Tensor(shape: lhs.shape) { out, n in
                let a = lhs.storage.pointer, b = rhs.storage.pointer
                for i in 0..<n { out[i] = f(a[i], b[i]) }
            }
        }
        let shape = try Shape.broadcast(lhs.shape, rhs.shape, operation: operation)
        if rhs.count == 1 && shape == lhs.shape {
            let b = rhs.storage.pointer[0]
            return Tensor(shape: shape) { out, n in
                let a = lhs.storage.pointer
                for i in 0..<n { out[i] = f(a[i], b) }
            }
        }
        if lhs.count == 1 && shape == rhs.shape {
            let a = lhs.storage.pointer[0]
            return Tensor(shape: shape) { out, n in
                let b = rhs.storage.pointer
                for i in 0..<n { out[i] = f(a, b[i]) }
            }
        }
        let layout = StridedLayout(shape: shape, strides: [
            Shape.broadcastStrides(from: lhs.shape, to: shape),
            Shape.broadcastStrides(from: rhs.shape, to: shape),
        ])
        let inner = layout.innerCount
        let sa = layout.strides[0].last!, sb = layout.strides[1].last!
        return Tensor(shape: shape) { out, _ in
            let a = lhs.storage.pointer, b = rhs.storage.pointer
            layout.forEachRun { run, offsets in
                let o = out + run * inner, pa = a + offsets[0], pb = b + offsets[1]
                if sa == 1 && sb == 1 {
                    for i in 0..<inner { o[i] = f(pa[i], pb[i]) }
                } else if sa == 1 {
                    let bv = pb[0]
                    for i in 0..<inner { o[i] = f(pa[i], bv) }
                } else if sb == 1 {
                    let av = pa[0]
                    for i in 0..<inner { o[i] = f(av, pb[i]) }
                } else {
                    for i in 0..<inner { o[i] = f(pa[i * sa], pb[i * sb]) }
                }
            }
        }
    }

    /// The four arithmetic operations with broadcasting, on `mixedbatch_binary`'s vectorised
    /// loops (one per contiguous run), large outputs split over the kernel threads.
    static func arithmetic(_ lhs: Tensor, _ rhs: Tensor, _ operation: ArithmeticOperation) throws -> Tensor {
        let code = operation.code
        if operation.mapsZerosToZero, let inLayout = Tensor.pointwiseInLayout(lhs, rhs, { out, a, b, part in
            mixedbatch_binary(code, a + part.lowerBound, 1, b + part.lowerBound, 1, out + part.lowerBound, part.count)
        }) {
            return inLayout  // both operands in a convolution primitive's layout (a residual sum)
        }
        if let inLayout = arithmeticInLayoutBroadcasting(lhs, rhs, operation) { return inLayout }
        let shape = lhs.shape == rhs.shape ? lhs.shape : try Shape.broadcast(lhs.shape, rhs.shape, operation: operation.name)
        let count = Shape.count(shape)
        if (lhs.count == count || lhs.count == 1) && (rhs.count == count || rhs.count == 1) {
            // Each operand is the whole output in memory order, or one scalar: one run.
            let aStep = lhs.count == count ? 1 : 0, bStep = rhs.count == count ? 1 : 0
            let a = lhs.storage.pointer, b = rhs.storage.pointer
            return Tensor.filledInParts(shape) { part, out in
                mixedbatch_binary(code, a + aStep * part.lowerBound, aStep, b + bStep * part.lowerBound, bStep,
                                  out + part.lowerBound, part.count)
            }
        }
        let layout = StridedLayout(shape: shape, strides: [
            Shape.broadcastStrides(from: lhs.shape, to: shape),
            Shape.broadcastStrides(from: rhs.shape, to: shape),
        ])
        let inner = layout.innerCount
        let sa = layout.strides[0].last!, sb = layout.strides[1].last!
        guard sa <= 1 && sb <= 1 else {  // a transposed inner axis: not a hot path
            return try broadcastKernel(lhs, rhs, operation: operation.name, operation.function)
        }
        return Tensor(shape: shape) { out, n in
            let a = lhs.storage.pointer, b = rhs.storage.pointer
            KernelThreads.forEachPart(of: layout.runCount, work: n) { runs in
                layout.forEachRun(in: runs) { run, offsets in
                    mixedbatch_binary(code, a + offsets[0], sa, b + offsets[1], sb, out + run * inner, inner)
                }
            }
        }
    }

    /// `lhs ∘ rhs` in a convolution primitive's layout where one operand has its values only
    /// there and the other broadcasts over it: a `[1, …]` row over the batch (the batch-mean
    /// response of an equivariant layer), or a scalar for which ∘ keeps zeros (a mean's division).
    private static func arithmeticInLayoutBroadcasting(_ lhs: Tensor, _ rhs: Tensor,
                                                       _ operation: ArithmeticOperation) -> Tensor? {
        if operation.mapsZerosToZero, let inLayout = Tensor.batchBroadcastingInLayout(lhs, rhs, { out, a, b, count in
            mixedbatch_binary(operation.code, a, 1, b, 1, out, count)
        }) {
            return inLayout
        }
        // A scalar's value is read only when the other operand lives in a layout (a hot path).
        let scalarOver = { (t: Tensor, other: Tensor) in
            t.count == 1 && t.rank <= other.rank && t.shape.allSatisfy { $0 == 1 } && other.storage.isPlainPending
        }
        if scalarOver(rhs, lhs) { return scalarInLayout(lhs, rhs.storage.pointer[0], operation) }
        if scalarOver(lhs, rhs), operation == .multiply { return scalarInLayout(rhs, lhs.storage.pointer[0], operation) }
        return nil
    }

    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try arithmetic(lhs, rhs, .add)
            .recording("add", inputs: [lhs, rhs]) { g, _ in
                [try g.sum(toShape: lhs.shape), try g.sum(toShape: rhs.shape)]
            }
    }

    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try arithmetic(lhs, rhs, .subtract)
            .recording("subtract", inputs: [lhs, rhs]) { g, _ in
                [try g.sum(toShape: lhs.shape), try (-g).sum(toShape: rhs.shape)]
            }
    }

    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try arithmetic(lhs, rhs, .multiply)
            .recording("multiply", inputs: [lhs, rhs]) { g, _ in
                [lhs.requiresGradient ? try (g * rhs).sum(toShape: lhs.shape) : nil,
                 rhs.requiresGradient ? try (g * lhs).sum(toShape: rhs.shape) : nil]
            }
    }

    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try arithmetic(lhs, rhs, .divide)
            .recording("divide", inputs: [lhs, rhs]) { g, y in
                [lhs.requiresGradient ? try (g / rhs).sum(toShape: lhs.shape) : nil,
                 rhs.requiresGradient ? try (-(g * y) / rhs).sum(toShape: rhs.shape) : nil]
            }
    }

    /// Elementwise maximum; the gradient goes to the larger operand (to `lhs` on ties).
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor {
        let lhsWins = try broadcastKernel(lhs, rhs, operation: "maximum") { $0 >= $1 ? 1 : 0 }
        return try Tensor.where(lhsWins, lhs, rhs)
    }

    /// Elementwise minimum; the gradient goes to the smaller operand (to `lhs` on ties).
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor {
        let lhsWins = try broadcastKernel(lhs, rhs, operation: "minimum") { $0 <= $1 ? 1 : 0 }
        return try Tensor.where(lhsWins, lhs, rhs)
    }

    /// Selects `a` where the constant `mask` is non-zero and `b` elsewhere, with
    /// broadcasting of all three; gradients flow to the selected operand only.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(try Shape.broadcast(mask.shape, a.shape, operation: "where"),
                                        b.shape, operation: "where")
        let m = mask.broadcastValues(to: shape), x = a.broadcastValues(to: shape), y = b.broadcastValues(to: shape)
        let result = Tensor(shape: shape) { out, n in
            let pm = m.storage.pointer, px = x.storage.pointer, py = y.storage.pointer
            for i in 0..<n { out[i] = pm[i] != 0 ? px[i] : py[i] }
        }
        let constantMask = mask.detached
        return result.recording("where", inputs: [a, b]) { g, _ in
            let zero = Tensor(0)
            return [a.requiresGradient ? try Tensor.where(constantMask, g, zero).sum(toShape: a.shape) : nil,
                    b.requiresGradient ? try Tensor.where(constantMask, zero, g).sum(toShape: b.shape) : nil]
        }
    }

    // Tensor–scalar conveniences.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { try! lhs + Tensor(rhs) }
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { try! Tensor(lhs) + rhs }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { try! lhs - Tensor(rhs) }
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { try! Tensor(lhs) - rhs }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { try! lhs * Tensor(rhs) }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { try! Tensor(lhs) * rhs }
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { try! lhs / Tensor(rhs) }
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { try! Tensor(lhs) / rhs }

    public static prefix func - (x: Tensor) -> Tensor {
        x.map { -$0 }.recording("negate", inputs: [x]) { g, _ in [-g] }
    }

    /// Constant comparison masks (1 where true, 0 elsewhere); not differentiable.
    public func isGreater(than other: Tensor) throws -> Tensor {
        try Tensor.broadcastKernel(detached, other.detached, operation: "isGreater") { $0 > $1 ? 1 : 0 }
    }
    public func isLess(than other: Tensor) throws -> Tensor {
        try Tensor.broadcastKernel(detached, other.detached, operation: "isLess") { $0 < $1 ? 1 : 0 }
    }
    public func isEqual(to other: Tensor) throws -> Tensor {
        try Tensor.broadcastKernel(detached, other.detached, operation: "isEqual") { $0 == $1 ? 1 : 0 }
    }
}

/// `+ − × ÷` as `mixedbatch_binary` codes.
enum ArithmeticOperation {
    case add, subtract, multiply, divide

    var code: Int32 {
        switch self {
        case .add: Int32(MIXEDBATCH_ADD)
        case .subtract: Int32(MIXEDBATCH_SUBTRACT)
        case .multiply: Int32(MIXEDBATCH_MULTIPLY)
        case .divide: Int32(MIXEDBATCH_DIVIDE)
        }
    }

    var name: String { "\(self)" }

    /// f(0, 0) = 0: the operation keeps a blocked layout's zero padding (not 0 / 0).
    var mapsZerosToZero: Bool { self != .divide }

    var function: (Float, Float) -> Float {
        switch self {
        case .add: (+)
        case .subtract: (-)
        case .multiply: (*)
        case .divide: (/)
        }
    }
}
