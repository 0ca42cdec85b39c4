import TensorCore

/// Spectral normalisation (Miyato et al., ICLR 2018) of a wrapped layer's weight:
/// the layer runs with `W / σ(W)`, where `σ(W)` estimates the largest singular value of
/// the weight viewed as a matrix `[outputs, −1]` (`WeightNormalizable.weightMatrix`).
/// Input and output shapes are those of the wrapped layer.
///
/// `σ` is estimated by power iteration with persistent vectors `u` `[outputs]` and `v`
/// `[inputs]` (buffers, checkpointed): each training-mode forward pass first runs
/// `powerIterations` steps `v ← Wᵀu / ‖Wᵀu‖`, `u ← Wv / ‖Wv‖`, then uses
/// `σ = uᵀ W v`, differentiable in `W` with `u` and `v` held constant (PyTorch's
/// `spectral_norm`). Evaluation mode reuses the stored `u`, `v` without iterating.
///
/// Checkpoint paths: `layer.weight`, `layer.bias`, `u`, `v`.
public final class SpectralNorm<Wrapped: WeightNormalizable>: Module, Layer {
    public let layer: Wrapped
    /// Left singular vector estimate, `[outputs]`.
    @Buffer public var u: Tensor
    /// Right singular vector estimate, `[inputs]` (the product of the other weight axes).
    @Buffer public var v: Tensor
    public let powerIterations: Int
    /// Guards the normalisation of the power-iteration vectors against division by 0.
    public let epsilon: Float

    /// Wraps `layer`; `u` and `v` start as normalised Gaussian vectors drawn from `random`.
    public init(_ layer: Wrapped, powerIterations: Int = 1, epsilon: Float = 1e-12,
                random: inout RandomStream) throws {
        guard powerIterations >= 1, epsilon > 0 else {
            throw TensorError.invalidArgument(operation: "SpectralNorm",
                                              detail: "powerIterations must be ≥ 1 and epsilon positive (got \(powerIterations), \(epsilon))")
        }
        let matrix = try Wrapped.weightMatrix(layer.weight)
        self.layer = layer
        u = try Self.normalized(random.normal([matrix.shape[0]]), epsilon: epsilon)
        v = try Self.normalized(random.normal([matrix.shape[1]]), epsilon: epsilon)
        self.powerIterations = powerIterations
        self.epsilon = epsilon
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try layer(input, weight: normalizedWeight())
    }

    /// `W / σ(W)`, after the power iteration in training mode; differentiable in `W`.
    public func normalizedWeight() throws -> Tensor {
        let weight = layer.weight
        let matrix = try Wrapped.weightMatrix(weight)
        if isTraining { try iterate(matrix.detached, steps: powerIterations) }
        return try weight / sigma(of: matrix)
    }

    /// The current estimate `σ = uᵀ W v` of the largest singular value, as a scalar tensor
    /// differentiable in `W` (no power iteration).
    public func sigma() throws -> Tensor {
        try sigma(of: Wrapped.weightMatrix(layer.weight))
    }

    /// Runs `steps` power iterations on the stored vectors without a forward pass.
    public func iterate(steps: Int) throws {
        try iterate(Wrapped.weightMatrix(layer.weight).detached, steps: steps)
    }

    private func iterate(_ matrix: Tensor, steps: Int) throws {
        try withoutGradient {
            var u = try self.u.reshaped([-1, 1]), v = try self.v.reshaped([-1, 1])
            for _ in 0..<steps {
                v = try Self.normalized(matrix.matmul(u, transposeSelf: true), epsilon: epsilon)
                u = try Self.normalized(matrix.matmul(v), epsilon: epsilon)
            }
            self.u = try u.reshaped([-1])
            self.v = try v.reshaped([-1])
        }
    }

    /// `uᵀ W v` as a scalar tensor, differentiable in `matrix` only.
    private func sigma(of matrix: Tensor) throws -> Tensor {
        let product = try matrix.matmul(v.reshaped([-1, 1]))
        return try (product * u.reshaped([-1, 1])).sum()
    }

    /// `x / max(‖x‖, ε)`.
    private static func normalized(_ x: Tensor, epsilon: Float) throws -> Tensor {
        let norm = max(x.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot(), epsilon)
        return x / norm
    }
}
