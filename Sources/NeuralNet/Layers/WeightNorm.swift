import TensorCore

/// Weight normalisation (Salimans & Kingma, 2016) of a wrapped layer: the layer runs with
/// `w_o = g_o · v_o / ‖v_o‖`, one gain `g_o` per output feature `o`, `v` the wrapped layer's
/// own weight (the direction) and `‖v_o‖` the norm over every other weight axis. Real-NVP's
/// coupling networks, IAF and PixelCNN++ use it (spec §1.7, §4.5). Input and output shapes are
/// the wrapped layer's.
///
/// Initialisation, one of:
/// - the gain starts at `‖v_o‖` (the layer computes what it computed before wrapping);
/// - at `initialGain` — 0 makes the layer output its bias only, as the last layer of a
///   coupling network that should start as the identity;
/// - data-dependent (`dataInitializationScale` s, the paper's §3.1, as PixelCNN++ trains):
///   the first input the layer sees sets `g_o = s / σ_o` and `b_o = −μ_o · s / σ_o`, where
///   μ_o, σ_o are the mean and standard deviation of the pre-activations `v_o·x / ‖v_o‖` over
///   every axis but the feature axis, so that on that batch the layer's outputs have mean 0
///   and standard deviation s per feature. Layers after it in the same forward pass see the
///   initialised outputs, so one pass initialises a whole network in order. Whether it has
///   happened is state (the `initialized` buffer): a loaded checkpoint is not initialised
///   again, and a resumed run continues bit for bit.
///
/// Checkpoint paths: `layer.weight` (the direction), `layer.bias`, `gain`, and `initialized`
/// for a data-initialised layer.
public final class WeightNorm<Wrapped: WeightNormalizable>: Module, Layer {
    public let layer: Wrapped
    /// `[outputs]`.
    @Parameter public var gain: Tensor
    /// The standard deviation of the pre-activations after data-dependent initialisation, or
    /// nil for a layer initialised without data.
    public let dataInitializationScale: Float?
    /// `[1]`: 1 once data-initialised, 0 before (nil without data initialisation).
    private let _initialized: Buffer?

    public init(_ layer: Wrapped, initialGain: Float? = nil) throws {
        self.layer = layer
        let norms = try Self.rowNorms(Wrapped.weightMatrix(layer.weight))
        gain = initialGain.map { Tensor(repeating: $0, shape: norms.shape) } ?? norms.detached
        dataInitializationScale = nil
        _initialized = nil
        super.init()
    }

    /// A layer whose gain and bias the first batch it sees sets (see the type's description).
    public init(_ layer: Wrapped, dataInitializationScale scale: Float) throws {
        guard scale > 0, scale.isFinite else {
            throw TensorError.invalidArgument(operation: "WeightNorm", detail: "the data-initialisation scale must be positive (got \(scale))")
        }
        self.layer = layer
        gain = Tensor(repeating: 1, shape: [layer.weight.shape[Wrapped.weightOutputAxis]])
        dataInitializationScale = scale
        _initialized = Buffer(wrappedValue: .zeros([1]))
        super.init()
    }

    /// Whether the layer computes with its final initial parameters (always, without data
    /// initialisation).
    public var isInitialized: Bool { _initialized.map { $0.wrappedValue.scalars[0] == 1 } ?? true }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        if !isInitialized { try withoutGradient { try initialize(from: input) } }
        return try layer(input, weight: normalizedWeight())
    }

    /// `g · v / ‖v‖` in the wrapped layer's weight shape, differentiable in `g` and `v`.
    public func normalizedWeight() throws -> Tensor {
        let weight = layer.weight
        let matrix = try Wrapped.weightMatrix(weight)
        let scale = try (gain / Self.rowNorms(matrix)).reshaped([-1, 1])
        return try Wrapped.weight(fromMatrix: matrix * scale, shape: weight.shape)
    }

    /// Sets `g` and `b` from the pre-activations of `input` (the data-dependent rule above).
    private func initialize(from input: Tensor) throws {
        guard let scale = dataInitializationScale, let flag = _initialized else { return }
        gain = Tensor(repeating: 1, shape: gain.shape)
        layer.biasParameter?.wrappedValue = .zeros(gain.shape)
        let preactivations = try layer(input, weight: normalizedWeight())
        let featureAxis = Wrapped.outputFeatureAxis(rank: preactivations.rank)
        let axes = (0..<preactivations.rank).filter { $0 != featureAxis }
        // Over the global batch under data parallelism, so that every process starts alike.
        let centre = try preactivations.batchMean(alongAxes: axes, keepingDimensions: true)
        let variance = try square(preactivations - centre).batchMean(alongAxes: axes).reshaped([-1])
        let mean = try centre.reshaped([-1])
        let inverseDeviation = variance.map { scale / ($0 + 1e-10).squareRoot() }
        gain = inverseDeviation
        layer.biasParameter?.wrappedValue = try -mean * inverseDeviation
        flag.wrappedValue = .ones([1])
    }

    /// `‖row‖` of `[outputs, n]`, guarded against 0: `[outputs]`.
    private static func rowNorms(_ matrix: Tensor) throws -> Tensor {
        try sqrt(square(matrix).sum(alongAxes: [1]) + 1e-12)
    }
}
