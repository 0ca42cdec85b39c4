import Foundation
import NeuralNet
import TensorCore

/// Glow's activation normalisation: `y = (x + bias) ⊙ exp(logScale)` per channel (axis 1),
/// initialised from the first batch it sees so that its output has zero mean and unit
/// variance per channel. The initialisation is state (`initialized`, a buffer), so a loaded
/// checkpoint is not initialised again. ln |det J| = (spatial size) · Σ logScale.
public final class ActNorm: Module, Bijection {
    @Parameter public var bias: Tensor
    @Parameter public var logScale: Tensor
    @Buffer public var initialized: Tensor

    public init(channels: Int) {
        bias = .zeros([1, channels])
        logScale = .zeros([1, channels])
        initialized = .zeros([1])
        super.init()
    }

    public var isInitialized: Bool { initialized.scalars[0] == 1 }

    /// Per-channel parameters shaped to broadcast over `x` `[B, C, …]`.
    private func shaped(_ parameter: Tensor, like x: Tensor) throws -> Tensor {
        try parameter.reshaped([1, x.shape[1]] + [Int](repeating: 1, count: x.rank - 2))
    }

    private func initialize(from x: Tensor) throws {
        let axes = [0] + Array(2..<x.rank)
        // The global batch's statistics under data parallelism, so that every process starts alike.
        let centre = try x.batchMean(alongAxes: axes, keepingDimensions: true)
        let mean = try centre.reshaped([x.shape[1]])
        let variance = try square(x - centre).batchMean(alongAxes: axes)
        bias = try mean.map { -$0 }.reshaped([1, x.shape[1]])
        logScale = try variance.map { -0.5 * Foundation.log($0 + 1e-6) }.reshaped([1, x.shape[1]])
        initialized = Tensor.ones([1])
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        guard x.rank >= 2, x.shape[1] == bias.shape[1] else {
            throw TensorError.invalidShape(operation: "ActNorm", shape: x.shape, expected: "[B, \(bias.shape[1]), …]")
        }
        if !isInitialized { try withoutGradient { try initialize(from: x) } }
        let y = try (x + shaped(bias, like: x)) * exp(shaped(logScale, like: x))
        let spatial = x.shape.dropFirst(2).reduce(1, *)
        return (y, try (Float(spatial) * logScale.sum()).broadcast(to: [x.shape[0]]))
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        try y * exp(-shaped(logScale, like: y)) - shaped(bias, like: y)
    }
}
