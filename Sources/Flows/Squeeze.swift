import NeuralNet
import TensorCore

/// Real-NVP's squeeze: each 2×2 spatial block becomes 4 channels, `[B, C, H, W] ->
/// [B, 4C, H/2, W/2]`; a permutation, so ln |det J| = 0.
public final class Squeeze: Module, Bijection {
    public override init() { super.init() }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        guard x.rank == 4, x.shape[2] % 2 == 0, x.shape[3] % 2 == 0 else {
            throw TensorError.invalidShape(operation: "Squeeze", shape: x.shape, expected: "[B, C, H, W] with even H and W")
        }
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let y = try x.reshaped([b, c, h / 2, 2, w / 2, 2]).permuted([0, 1, 3, 5, 2, 4]).reshaped([b, 4 * c, h / 2, w / 2])
        return (y, .zeros([b]))
    }

    /// A permutation: ln |det| = 0 both ways, without a forward pass.
    public func inverseWithLogDeterminant(_ y: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        (try inverse(y), .zeros([y.shape[0]]))
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        guard y.rank == 4, y.shape[1] % 4 == 0 else {
            throw TensorError.invalidShape(operation: "Squeeze.inverse", shape: y.shape, expected: "[B, 4C, H, W]")
        }
        let (b, c, h, w) = (y.shape[0], y.shape[1] / 4, y.shape[2], y.shape[3])
        return try y.reshaped([b, c, 2, 2, h, w]).permuted([0, 1, 4, 2, 5, 3]).reshaped([b, c, 2 * h, 2 * w])
    }
}
