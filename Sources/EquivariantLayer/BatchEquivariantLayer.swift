import NeuralNet
import TensorCore

/// A layer whose samples interact through batch statistics, and which therefore needs
/// to know which rows of a padded batch are valid.
public protocol BatchEquivariantLayer: Layer {
    /// `[B, …] -> [B, …]`, with ρ computed over the rows marked 1 in `validMask` (`[B]`).
    func callAsFunction(_ x: Tensor, validMask: Tensor?) throws -> Tensor
}

extension EquivariantDense: BatchEquivariantLayer {}
extension EquivariantConv2D: BatchEquivariantLayer {}
