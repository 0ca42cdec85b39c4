import TensorCore

/// A layer whose forward pass is a linear map given by one weight tensor, which can be
/// evaluated with a substitute weight (a reparametrised one, as in `SpectralNorm`).
public protocol WeightNormalizable: Layer {
    /// The layer's own weight.
    var weight: Tensor { get }
    /// The weight axis that indexes output features (0 for `Linear` and `Conv2D`, 1 for
    /// `ConvTranspose2D`, as PyTorch's `spectral_norm` picks it).
    static var weightOutputAxis: Int { get }
    /// The axis of the layer's output that indexes its output features, for an output of
    /// `rank` axes (1 for convolutions, the last for `Linear`).
    static func outputFeatureAxis(rank: Int) -> Int
    /// The bias parameter `[outputs]`, if the layer has one (weight normalisation's data
    /// initialisation sets it).
    var biasParameter: Parameter? { get }
    /// The forward pass with `weight` in place of the layer's own weight.
    func callAsFunction(_ input: Tensor, weight: Tensor) throws -> Tensor
}

extension WeightNormalizable {
    public static func outputFeatureAxis(rank: Int) -> Int { 1 }

    /// The weight viewed as a matrix `[outputs, −1]` (output axis first).
    public static func weightMatrix(_ weight: Tensor) throws -> Tensor {
        let axis = weightOutputAxis
        guard axis != 0 else { return try weight.reshaped([weight.shape[0], -1]) }
        var order = Array(0..<weight.rank)
        order.swapAt(0, axis)
        return try weight.permuted(order).reshaped([weight.shape[axis], -1])
    }

    /// The inverse of `weightMatrix`: a matrix `[outputs, −1]` back in the weight's `shape`.
    public static func weight(fromMatrix matrix: Tensor, shape: [Int]) throws -> Tensor {
        let axis = weightOutputAxis
        guard axis != 0 else { return try matrix.reshaped(shape) }
        var permutedShape = shape
        permutedShape.swapAt(0, axis)
        var order = Array(0..<shape.count)
        order.swapAt(0, axis)
        return try matrix.reshaped(permutedShape).permuted(order)
    }
}
