import TensorCore

/// Weight normalisation (Salimans & Kingma, 2016) of a wrapped layer: the layer runs with
/// `w_o = g_o · v_o / ‖v_o‖`, one gain `g_o` per output feature `o`, `v` the wrapped layer's
/// own weight (the direction) and `‖v_o‖` the norm over every other weight axis. Real-NVP's
/// coupling networks and IAF use it (spec §4.5). Input and output shapes are the wrapped
/// layer's.
///
/// The gain starts at `‖v_o‖` (the layer computes what it computed before wrapping), or at
/// `initialGain` when given — 0 makes the layer output its bias only, as the last layer of a
/// coupling network that should start as the identity.
///
/// Checkpoint paths: `layer.weight` (the direction), `layer.bias`, `gain`.
public final class WeightNorm<Wrapped: WeightNormalizable>: Module, Layer {
    public let layer: Wrapped
    /// `[outputs]`.
    @Parameter public var gain: Tensor

    public init(_ layer: Wrapped, initialGain: Float? = nil) throws {
        self.layer = layer
        let norms = try Self.rowNorms(Wrapped.weightMatrix(layer.weight))
        gain = initialGain.map { Tensor(repeating: $0, shape: norms.shape) } ?? norms.detached
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try layer(input, weight: normalizedWeight())
    }

    /// `g · v / ‖v‖` in the wrapped layer's weight shape, differentiable in `g` and `v`.
    public func normalizedWeight() throws -> Tensor {
        let weight = layer.weight
        let matrix = try Wrapped.weightMatrix(weight)
        let scale = try (gain / Self.rowNorms(matrix)).reshaped([-1, 1])
        return try Wrapped.weight(fromMatrix: matrix * scale, shape: weight.shape)
    }

    /// `‖row‖` of `[outputs, n]`, guarded against 0: `[outputs]`.
    private static func rowNorms(_ matrix: Tensor) throws -> Tensor {
        try sqrt(square(matrix).sum(alongAxes: [1]) + 1e-12)
    }
}
