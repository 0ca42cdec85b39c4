import TensorCore

/// A trainable tensor owned by a module: `@Parameter var weight: Tensor`.
///
/// The stored tensor is a leaf of the autodiff graph with a stable identity, so every
/// forward pass that reads it records edges into the same leaf, and gradients are found
/// by that identity (then reported by the parameter's dotted path). Frozen parameters
/// read as constants.
@propertyWrapper
public final class Parameter {
    private var leaf: Tensor
    /// Whether optimisers update this parameter and gradients flow into it.
    public var isTrainable = true

    public init(wrappedValue: Tensor) {
        leaf = wrappedValue.detached.requiringGradient()
    }

    /// The value; a graph leaf while trainable. Assigning replaces value and leaf.
    public var wrappedValue: Tensor {
        get { isTrainable ? leaf : leaf.detached }
        set { leaf = newValue.detached.requiringGradient() }
    }

    /// The leaf tensor that gradients are taken with respect to.
    public var tensor: Tensor { leaf }

    /// Updates the scalars in place (optimiser steps); the graph identity is kept. The
    /// storage is copied first if a live graph still references it.
    public func update(_ body: (UnsafeMutablePointer<Float>, Int) throws -> Void) rethrows {
        let n = leaf.count
        try leaf.withUnsafeMutableScalars { try body($0, n) }
    }

    public var shape: [Int] { leaf.shape }
}

/// A non-trainable tensor that is part of a module's state and of its checkpoints
/// (running statistics, spectral-norm power-iteration vectors): `@Buffer var mean: Tensor`.
@propertyWrapper
public final class Buffer {
    public var wrappedValue: Tensor {
        didSet { wrappedValue = wrappedValue.detached }
    }

    public init(wrappedValue: Tensor) {
        self.wrappedValue = wrappedValue.detached
    }
}

/// A random stream owned by a module (dropout masks), checkpointed with it so a resumed
/// run draws the same numbers: `@RandomState var random: RandomStream`.
@propertyWrapper
public final class RandomState {
    public var wrappedValue: RandomStream

    public init(wrappedValue: RandomStream) {
        self.wrappedValue = wrappedValue
    }
}
