import TensorCore

/// Maxout units (Goodfellow et al., ICML 2013): `[N, inputFeatures] -> [N, outputFeatures]`,
///
///     y_j = max_{k < pieces} (x·Wᵀ + b)_{j·pieces + k},
///
/// one affine map to `outputFeatures · pieces` features (PyTorch layout: unit j owns the
/// consecutive features `j·pieces ..< (j+1)·pieces`), then the maximum over each unit's
/// pieces. The gradient reaches only the maximal piece of each unit (the first on ties).
/// PacGAN's 2D discriminator is three hidden layers of maxout units with 5 pieces.
///
/// Checkpoint paths: `linear.weight` `[outputFeatures·pieces, inputFeatures]`, `linear.bias`.
public final class Maxout: Module, Layer {
    public let linear: Linear
    public let pieces: Int

    public var outputFeatures: Int { linear.outputFeatures / pieces }

    /// Draws the affine map's weight, then its bias, from `random` (PyTorch's default
    /// initialisation of a `Linear(inputFeatures, outputFeatures · pieces)`).
    public init(inputFeatures: Int, outputFeatures: Int, pieces: Int, random: inout RandomStream) throws {
        guard pieces >= 1, outputFeatures >= 1 else {
            throw TensorError.invalidArgument(operation: "Maxout",
                                              detail: "pieces and outputFeatures must be ≥ 1 (got \(pieces), \(outputFeatures))")
        }
        linear = try Linear(inputFeatures: inputFeatures, outputFeatures: outputFeatures * pieces, random: &random)
        self.pieces = pieces
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let features = try linear(input)
        guard pieces > 1 else { return features }
        let rows = features.count / linear.outputFeatures
        return try features.reshaped([rows, outputFeatures, pieces]).max(alongAxis: 2)
            .reshaped(Array(input.shape.dropLast()) + [outputFeatures])
    }
}
