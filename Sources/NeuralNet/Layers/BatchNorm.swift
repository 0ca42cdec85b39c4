import TensorCore

/// Batch normalisation (Ioffe & Szegedy, 2015), PyTorch's `nn.BatchNorm1d`/`2d` in one
/// class: `[B, C] -> [B, C]` and `[B, C, H, W] -> [B, C, H, W]` (any `[B, C, …]`),
/// normalising each channel `c` over every axis except 1:
///
///     y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c
///
/// In training mode μ and σ² are the batch mean and biased variance, and the running
/// statistics move towards them: `r ← (1 − momentum)·r + momentum·s`, where the running
/// variance receives the *unbiased* batch variance (`σ²·n/(n − 1)`, `n` scalars per
/// channel), as in PyTorch. In evaluation mode the running statistics are used. Under data
/// parallelism the batch statistics are those of the global batch (synchronised batch
/// normalisation), so every process keeps the same running statistics.
///
/// Checkpoint paths: `weight`, `bias` (PyTorch's names), `runningMean`, `runningVariance`
/// (PyTorch's `running_mean`, `running_var`).
public final class BatchNorm: Module, Layer {
    private let _weight: Parameter?
    private let _bias: Parameter?
    /// Per-channel running mean `[C]`, initially 0.
    @Buffer public var runningMean: Tensor
    /// Per-channel running (unbiased) variance `[C]`, initially 1.
    @Buffer public var runningVariance: Tensor
    public let momentum: Float
    public let epsilon: Float

    /// The scale γ `[C]` (initially 1), `nil` without affine transform.
    public var weight: Tensor? { _weight?.wrappedValue }
    /// The shift β `[C]` (initially 0), `nil` without affine transform.
    public var bias: Tensor? { _bias?.wrappedValue }
    public var channels: Int { runningMean.count }

    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) throws {
        guard channels > 0 else {
            throw TensorError.invalidArgument(operation: "BatchNorm", detail: "channels must be positive (got \(channels))")
        }
        guard momentum >= 0, momentum <= 1, epsilon > 0 else {
            throw TensorError.invalidArgument(operation: "BatchNorm",
                                              detail: "momentum must be in [0, 1] and epsilon positive (got \(momentum), \(epsilon))")
        }
        _weight = affine ? Parameter(wrappedValue: .ones([channels])) : nil
        _bias = affine ? Parameter(wrappedValue: .zeros([channels])) : nil
        runningMean = .zeros([channels])
        runningVariance = .ones([channels])
        self.momentum = momentum
        self.epsilon = epsilon
        super.init()
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 2, input.shape[1] == channels else {
            throw TensorError.invalidShape(operation: "BatchNorm(\(channels))", shape: input.shape,
                                           expected: "the input must be [B, \(channels)] or [B, \(channels), H, W]")
        }
        guard isTraining else {  // one fused pass with the running statistics
            return try batchNormalization(input, weight: weight, bias: bias, mean: runningMean, variance: runningVariance,
                                          epsilon: epsilon)
        }
        let n = input.count / channels * DataParallel.current.size
        guard n > 1 else {
            throw TensorError.invalidShape(operation: "BatchNorm(\(channels))", shape: input.shape,
                                           expected: "training needs more than one value per channel; use a larger batch or eval()")
        }
        if DataParallel.current.size == 1 {  // one fused op
            let (output, mean, variance) = try batchNormalization(input, weight: weight, bias: bias, epsilon: epsilon)
            try updateRunningStatistics(mean: mean, variance: variance, count: n)
            return output
        }
        // Across processes: the global batch's statistics, by composition, broadcast as [1, C, 1, …].
        let statisticsShape = [1, channels] + Array(repeating: 1, count: input.rank - 2)
        let axes = [0] + Array(2..<input.rank)
        let mean = try input.batchMean(alongAxes: axes, keepingDimensions: true)
        let centered = try input - mean
        let variance = try square(centered).batchMean(alongAxes: axes, keepingDimensions: true)
        try updateRunningStatistics(mean: mean.reshaped([channels]), variance: variance.reshaped([channels]), count: n)
        var scale = 1 / sqrt(variance + epsilon)
        if let weight { scale = try scale * weight.reshaped(statisticsShape) }
        let normalized = try centered * scale
        guard let bias else { return normalized }
        return try normalized + bias.reshaped(statisticsShape)
    }

    /// `r ← (1 − momentum)·r + momentum·s` for the batch mean and the unbiased batch variance
    /// (`variance` is biased, over `count` scalars per channel), both `[C]`.
    private func updateRunningStatistics(mean: Tensor, variance: Tensor, count n: Int) throws {
        try withoutGradient {
            let unbiased = variance.detached * (Float(n) / Float(n - 1))
            runningMean = try runningMean * (1 - momentum) + mean.detached * momentum
            runningVariance = try runningVariance * (1 - momentum) + unbiased * momentum
        }
    }
}
