import TensorCore

/// Which half of the variables a coupling layer keeps (mask 1) and transforms (mask 0);
/// alternating the parity from layer to layer transforms every variable (spec §1.3).
public enum CouplingMask: Equatable, Sendable {
    /// Vectors `[B, D]`: even or odd coordinates kept.
    case alternating(parity: Int)
    /// Images `[B, C, H, W]`: a spatial checkerboard, (h + w + parity) even kept.
    case checkerboard(parity: Int)
    /// Images `[B, C, H, W]`: the first (parity 0) or second half of the channels kept.
    case channel(parity: Int)

    /// The mask for one row of `shape` (without the batch axis), broadcastable over the batch: `[1, …]`.
    public func tensor(rowShape shape: [Int]) throws -> Tensor {
        switch self {
        case let .alternating(parity):
            guard shape.count == 1, shape[0] >= 2 else { throw invalid(shape, "[D] with D ≥ 2") }
            return Tensor(shape: [1] + shape) { out, n in for i in 0..<n { out[i] = (i + parity) % 2 == 0 ? 1 : 0 } }
        case let .checkerboard(parity):
            guard shape.count == 3 else { throw invalid(shape, "[C, H, W]") }
            let (c, h, w) = (shape[0], shape[1], shape[2])
            return Tensor(shape: [1] + shape) { out, _ in
                for k in 0..<c { for y in 0..<h { for x in 0..<w { out[(k * h + y) * w + x] = (y + x + parity) % 2 == 0 ? 1 : 0 } } }
            }
        case let .channel(parity):
            guard shape.count == 3, shape[0] % 2 == 0 else { throw invalid(shape, "[C, H, W] with an even C") }
            let half = shape[0] / 2, plane = shape[1] * shape[2]
            return Tensor(shape: [1] + shape) { out, n in
                for i in 0..<n { out[i] = ((i / plane) < half) == (parity == 0) ? 1 : 0 }
            }
        }
    }

    private func invalid(_ shape: [Int], _ expected: String) -> TensorError {
        TensorError.invalidShape(operation: "CouplingMask \(self)", shape: shape, expected: expected)
    }
}

/// A coupling's mask `m` `[1, …]` and its complement `1 − m` for the row shape last seen,
/// built once instead of on every pass.
final class CouplingMaskTensors {
    let mask: CouplingMask
    private var cached: (rowShape: [Int], kept: Tensor, transformed: Tensor)?

    init(_ mask: CouplingMask) { self.mask = mask }

    /// `(m, 1 − m)` for rows of `rowShape`.
    func tensors(rowShape: [Int]) throws -> (kept: Tensor, transformed: Tensor) {
        if let cached, cached.rowShape == rowShape { return (cached.kept, cached.transformed) }
        let m = try mask.tensor(rowShape: rowShape)
        let made = (rowShape: rowShape, kept: m, transformed: 1 - m)
        cached = made
        return (made.kept, made.transformed)
    }
}
