import Foundation
import NeuralNet
import TensorCore

/// Real-NVP's batch normalisation as a bijection (Dinh et al. 2017, §3.7), per channel
/// (axis 1) of `[B, C, …]`:
///
///     y = (x − μ_c) / √(σ²_c + ε) · exp(logGamma_c) + beta_c
///     ln |det J| = (spatial size) · Σ_c (logGamma_c − ½ ln(σ²_c + ε))   (per row)
///
/// In training mode μ and σ² are the batch's mean and biased variance (the statistics count
/// as constants in the Jacobian, as in Real-NVP) and the running averages move towards them,
/// `r ← (1 − momentum)·r + momentum·s`; in evaluation mode the running averages are used, so
/// test likelihoods do not depend on the test batch. `inverse` inverts the evaluation-mode
/// map (sampling happens in evaluation mode). The running averages are buffers: a checkpoint
/// round trip gives the same test likelihood.
public final class BatchNormalization: Module, Bijection {
    @Parameter public var logGamma: Tensor
    @Parameter public var beta: Tensor
    /// `[C]`, initially 0 and 1.
    @Buffer public var runningMean: Tensor
    @Buffer public var runningVariance: Tensor
    public let momentum: Float
    public let epsilon: Float

    public init(channels: Int, momentum: Float = 0.05, epsilon: Float = 1e-4) throws {
        guard channels > 0, momentum > 0, momentum <= 1, epsilon > 0 else {
            throw TensorError.invalidArgument(operation: "BatchNormalization",
                                              detail: "needs channels > 0, momentum in (0, 1] and ε > 0 (got \(channels), \(momentum), \(epsilon))")
        }
        logGamma = .zeros([channels])
        beta = .zeros([channels])
        runningMean = .zeros([channels])
        runningVariance = .ones([channels])
        self.momentum = momentum
        self.epsilon = epsilon
        super.init()
    }

    private var channels: Int { runningMean.count }

    private func checked(_ x: Tensor, _ operation: String) throws -> [Int] {
        guard x.rank >= 2, x.shape[1] == channels else {
            throw TensorError.invalidShape(operation: operation, shape: x.shape, expected: "[B, \(channels), …]")
        }
        return [1, channels] + [Int](repeating: 1, count: x.rank - 2)
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let statisticsShape = try checked(x, "BatchNormalization")
        let mean: Tensor, variance: Tensor
        if isTraining {
            guard x.count / channels * DataParallel.current.size > 1 else {
                throw TensorError.invalidShape(operation: "BatchNormalization", shape: x.shape,
                                               expected: "more than one value per channel in training mode; use a larger batch or eval()")
            }
            let axes = [0] + Array(2..<x.rank)
            // Over the global batch under data parallelism (every process keeps the same running statistics).
            let centre = try x.detached.batchMean(alongAxes: axes, keepingDimensions: true)
            mean = try centre.reshaped([channels])
            variance = try square(x.detached - centre).batchMean(alongAxes: axes)
            try withoutGradient {
                runningMean = try runningMean * (1 - momentum) + mean * momentum
                runningVariance = try runningVariance * (1 - momentum) + variance * momentum
            }
        } else {
            (mean, variance) = (runningMean, runningVariance)
        }
        let logScale = try logGamma - 0.5 * log(variance + epsilon)
        let y = try (x - mean.reshaped(statisticsShape)) * exp(logScale.reshaped(statisticsShape)) + beta.reshaped(statisticsShape)
        let spatial = Float(x.shape.dropFirst(2).reduce(1, *))
        return (y, try (spatial * logScale.sum()).broadcast(to: [x.shape[0]]))
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        let statisticsShape = try checked(y, "BatchNormalization.inverse")
        let logScale = try logGamma - 0.5 * log(runningVariance + epsilon)
        return try (y - beta.reshaped(statisticsShape)) * exp(-logScale.reshaped(statisticsShape))
            + runningMean.reshaped(statisticsShape)
    }
}
