/// An n-dimensional array of `Float` scalars, row-major and contiguous (images are
/// NCHW), that records the operations applied to it when gradients are wanted.
///
/// `Tensor` has value semantics over a shared `TensorStorage`: copying a tensor is
/// cheap, and mutation copies the storage first when it is shared.
public struct Tensor {
    /// Extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    public internal(set) var storage: TensorStorage
    /// The node of the autodiff graph that produced this tensor, or the leaf node of a
    /// tensor that requires a gradient; `nil` for constants.
    public internal(set) var gradNode: GradNode?

    public init(storage: TensorStorage, shape: [Int], gradNode: GradNode? = nil) {
        precondition(storage.count == Shape.count(shape), "storage holds \(storage.count) scalars, shape \(shape) needs \(Shape.count(shape))")
        self.storage = storage
        self.shape = shape
        self.gradNode = gradNode
    }

    /// A tensor of the given shape filled from `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape(operation: "Tensor(shape:scalars:)", shape: shape,
                                           expected: "extents must be non-negative")
        }
        guard scalars.count == Shape.count(shape) else {
            throw TensorError.invalidShape(
                operation: "Tensor(shape:scalars:)", shape: shape,
                expected: "it holds \(Shape.count(shape)) scalars but \(scalars.count) were given")
        }
        let storage = scalars.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { TensorStorage(copying: $0, count: buffer.count) }
                ?? TensorStorage(uninitializedCount: 0)
        }
        self.init(storage: storage, shape: shape)
    }

    /// A rank-0 tensor.
    public init(_ scalar: Float) {
        self.init(storage: TensorStorage(repeating: scalar, count: 1), shape: [])
    }

    /// A rank-1 tensor.
    public init(_ scalars: [Float]) {
        try! self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(storage: TensorStorage(repeating: value, count: Shape.count(shape)), shape: shape)
    }

    /// Internal constructor used by kernels: allocates storage and lets `body` fill it.
    @inlinable
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutablePointer<Float>, Int) throws -> Void) rethrows {
        let count = Shape.count(shape)
        let storage = TensorStorage(uninitializedCount: count)
        try body(storage.pointer, count)
        self.init(storage: storage, shape: shape)
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }
    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(repeating: value, shape: shape) }

    /// `[start, start + step, …]` up to but excluding `end`.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) throws -> Tensor {
        guard start.isFinite, end.isFinite, step.isFinite else {
            throw TensorError.invalidArgument(operation: "arange",
                                              detail: "start \(start), end \(end) and step \(step) must be finite")
        }
        guard step != 0, (end - start) / step >= 0 else {
            throw TensorError.invalidArgument(operation: "arange",
                                              detail: "step \(step) never reaches \(end) from \(start); use a step with the sign of end - start")
        }
        let count = Int(((end - start) / step).rounded(.up))
        return Tensor(shape: [count]) { p, n in
            for i in 0..<n { p[i] = start + Float(i) * step }
        }
    }

    public var rank: Int { shape.count }
    public var count: Int { storage.count }

    /// The scalars in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The value of a tensor holding exactly one element.
    public var scalar: Float {
        precondition(count == 1, "scalar needs a one-element tensor, got shape \(shape)")
        return storage.pointer[0]
    }

    @inlinable
    public func withUnsafeScalars<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage.pointer))
    }

    /// Mutable access to the scalars; copies the storage first when it is shared, so
    /// other tensors (and recorded graphs) never observe the change.
    public mutating func withUnsafeMutableScalars<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            storage = TensorStorage(copying: storage.pointer, count: storage.count)
        } else if storage.layoutCopyStorage != nil {  // unique: no other thread can read it
            _ = storage.pointer  // written from the copy, if it was not
            storage.layoutCopy = nil
        }
        return try body(storage.pointer)
    }

    /// The same values, cut from the autodiff graph.
    public var detached: Tensor { Tensor(storage: storage, shape: shape) }

    /// Whether gradients flow into this tensor.
    public var requiresGradient: Bool { gradNode != nil }

    /// A copy of this tensor that is a new leaf of the autodiff graph: gradients with
    /// respect to it can be requested with `gradients(of:wrt:)`.
    public func requiringGradient() -> Tensor {
        Tensor(storage: storage, shape: shape, gradNode: GradNode(leafOfShape: shape))
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
