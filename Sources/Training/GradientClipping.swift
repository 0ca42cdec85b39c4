import NeuralNet
import TensorCore

extension Gradients {
    /// The global L2 norm of all gradients, √(Σ g²), accumulated in Float64.
    public var globalNorm: Double {
        var total = 0.0
        for tensor in byPath.values {
            tensor.withUnsafeScalars { g in
                for i in 0..<tensor.count { total += Double(g[i]) * Double(g[i]) }
            }
        }
        return total.squareRoot()
    }

    /// Rescales every gradient by `maxNorm / norm` when the global norm exceeds `maxNorm`
    /// (Pascanu et al. 2013; PyTorch's `clip_grad_norm_`); returns the norm before clipping.
    @discardableResult
    public mutating func clipGlobalNorm(to maxNorm: Float) -> Double {
        let norm = globalNorm
        guard norm > Double(maxNorm) else { return norm }
        let scale = Float(Double(maxNorm) / (norm + 1e-6))
        withoutGradient {
            for (path, tensor) in byPath { byPath[path] = tensor * scale }
        }
        return norm
    }
}
