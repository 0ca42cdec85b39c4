import NeuralNet
import TensorCore

// The building blocks of Inception-v3 in the FID variant of pytorch-fid (itself the network of
// the TensorFlow graph of 2015-12-05 that the FID and IS papers used). Property names are the
// reference's, so a checkpoint path is the reference state-dict key: `Mixed_5b.branch1x1.conv.weight`
// (BatchNorm's `running_mean` / `running_var` are our `runningMean` / `runningVariance`).
// Inference only: the units fold each batch norm into its convolution once, on first use, so
// the parameters must be final (loaded) before the first forward pass.

/// A convolution without bias, batch norm (ε = 0.001) and ReLU: `[B, C, H, W] -> [B, C', H', W']`.
final class InceptionConvUnit: Module {
    let conv: Conv2D
    let bn: BatchNorm
    private var folded: (weight: Tensor, bias: Tensor)?

    /// Placeholder (zero) parameters of the right shapes; the checkpoint fills them.
    init(_ inputChannels: Int, _ outputChannels: Int, kernel: (Int, Int), stride: Int = 1,
         padding: (Int, Int) = (0, 0)) throws {
        let geometry = ConvGeometry(kernel: kernel, stride: (stride, stride), padding: padding)
        conv = try Conv2D(weight: .zeros([outputChannels, inputChannels, kernel.0, kernel.1]), geometry: geometry)
        bn = try BatchNorm(channels: outputChannels, epsilon: 0.001)
        super.init()
    }

    convenience init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) throws {
        try self.init(inputChannels, outputChannels, kernel: (kernel, kernel), stride: stride, padding: (padding, padding))
    }

    /// `relu(conv(x, w′) + b′)` with `w′ = w·γ/√(σ² + ε)` and `b′ = β − μ·γ/√(σ² + ε)` per
    /// output channel: batch norm in evaluation mode, folded.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (weight, bias) = try foldedParameters()
        return relu(try conv2d(x, weight: weight, bias: bias, geometry: conv.geometry))
    }

    private func foldedParameters() throws -> (weight: Tensor, bias: Tensor) {
        if let folded { return folded }
        let channels = bn.channels
        guard let gamma = bn.weight?.detached, let beta = bn.bias?.detached else {
            throw TensorError.invalidArgument(operation: "InceptionConvUnit", detail: "its batch norm must be affine")
        }
        let scale = try gamma / sqrt(bn.runningVariance.detached + bn.epsilon)
        let weight = try conv.weight.detached * scale.reshaped([channels, 1, 1, 1])
        let bias = try beta - bn.runningMean.detached * scale
        folded = (weight, bias)
        return (weight, bias)
    }
}

/// The module's convolution units, at any depth.
func convolutionUnits(of module: Module) -> [InceptionConvUnit] {
    module.namedChildren.flatMap { child in
        (child.module as? InceptionConvUnit).map { [$0] } ?? convolutionUnits(of: child.module)
    }
}

/// A stride-1 3×3 pooling window with padding 1 (the branch pools of blocks A, C and E).
let branchPoolWindow = ConvGeometry(kernel: 3, stride: 1, padding: 1)
/// The stride-2 3×3 window of the reduction blocks and the stem.
let reductionPoolWindow = ConvGeometry(kernel: 3, stride: 2, padding: 0)

/// Block A (Mixed_5b–5d): 1×1 | 1×1→5×5 | 1×1→3×3→3×3 | avg-pool→1×1 (the FID variant's pool
/// excludes the padding). `[B, C, 35, 35] -> [B, 224 + poolFeatures, 35, 35]`.
final class InceptionA: Module {
    let branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool: InceptionConvUnit

    init(_ inputChannels: Int, poolFeatures: Int) throws {
        branch1x1 = try InceptionConvUnit(inputChannels, 64, kernel: 1)
        branch5x5_1 = try InceptionConvUnit(inputChannels, 48, kernel: 1)
        branch5x5_2 = try InceptionConvUnit(48, 64, kernel: 5, padding: 2)
        branch3x3dbl_1 = try InceptionConvUnit(inputChannels, 64, kernel: 1)
        branch3x3dbl_2 = try InceptionConvUnit(64, 96, kernel: 3, padding: 1)
        branch3x3dbl_3 = try InceptionConvUnit(96, 96, kernel: 3, padding: 1)
        branch_pool = try InceptionConvUnit(inputChannels, poolFeatures, kernel: 1)
        super.init()
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Tensor.concatenate([
            branch1x1(x),
            branch5x5_2(branch5x5_1(x)),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            branch_pool(inferencePool2d(x, .averageInsideImage, geometry: branchPoolWindow)),
        ], axis: 1)
    }
}

/// Block B (Mixed_6a), a reduction: 3×3/2 | 1×1→3×3→3×3/2 | max-pool/2.
/// `[B, 288, 35, 35] -> [B, 768, 17, 17]`.
final class InceptionB: Module {
    let branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3: InceptionConvUnit

    init(_ inputChannels: Int) throws {
        branch3x3 = try InceptionConvUnit(inputChannels, 384, kernel: 3, stride: 2)
        branch3x3dbl_1 = try InceptionConvUnit(inputChannels, 64, kernel: 1)
        branch3x3dbl_2 = try InceptionConvUnit(64, 96, kernel: 3, padding: 1)
        branch3x3dbl_3 = try InceptionConvUnit(96, 96, kernel: 3, stride: 2)
        super.init()
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Tensor.concatenate([
            branch3x3(x),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            inferencePool2d(x, .max, geometry: reductionPoolWindow),
        ], axis: 1)
    }
}

/// Block C (Mixed_6b–6e) with factorised 7×7 convolutions of `channels7x7` channels:
/// 1×1 | 1×1→1×7→7×1 | 1×1→7×1→1×7→7×1→1×7 | avg-pool (padding excluded)→1×1.
/// `[B, 768, 17, 17] -> [B, 768, 17, 17]`.
final class InceptionC: Module {
    let branch1x1: InceptionConvUnit
    let branch7x7_1, branch7x7_2, branch7x7_3: InceptionConvUnit
    let branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5: InceptionConvUnit
    let branch_pool: InceptionConvUnit

    init(_ inputChannels: Int, channels7x7 c7: Int) throws {
        branch1x1 = try InceptionConvUnit(inputChannels, 192, kernel: 1)
        branch7x7_1 = try InceptionConvUnit(inputChannels, c7, kernel: 1)
        branch7x7_2 = try InceptionConvUnit(c7, c7, kernel: (1, 7), padding: (0, 3))
        branch7x7_3 = try InceptionConvUnit(c7, 192, kernel: (7, 1), padding: (3, 0))
        branch7x7dbl_1 = try InceptionConvUnit(inputChannels, c7, kernel: 1)
        branch7x7dbl_2 = try InceptionConvUnit(c7, c7, kernel: (7, 1), padding: (3, 0))
        branch7x7dbl_3 = try InceptionConvUnit(c7, c7, kernel: (1, 7), padding: (0, 3))
        branch7x7dbl_4 = try InceptionConvUnit(c7, c7, kernel: (7, 1), padding: (3, 0))
        branch7x7dbl_5 = try InceptionConvUnit(c7, 192, kernel: (1, 7), padding: (0, 3))
        branch_pool = try InceptionConvUnit(inputChannels, 192, kernel: 1)
        super.init()
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let double = try branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))
        return try Tensor.concatenate([
            branch1x1(x),
            branch7x7_3(branch7x7_2(branch7x7_1(x))),
            branch7x7dbl_5(branch7x7dbl_4(double)),
            branch_pool(inferencePool2d(x, .averageInsideImage, geometry: branchPoolWindow)),
        ], axis: 1)
    }
}

/// Block D (Mixed_7a), a reduction: 1×1→3×3/2 | 1×1→1×7→7×1→3×3/2 | max-pool/2.
/// `[B, 768, 17, 17] -> [B, 1280, 8, 8]`.
final class InceptionD: Module {
    let branch3x3_1, branch3x3_2: InceptionConvUnit
    let branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4: InceptionConvUnit

    init(_ inputChannels: Int) throws {
        branch3x3_1 = try InceptionConvUnit(inputChannels, 192, kernel: 1)
        branch3x3_2 = try InceptionConvUnit(192, 320, kernel: 3, stride: 2)
        branch7x7x3_1 = try InceptionConvUnit(inputChannels, 192, kernel: 1)
        branch7x7x3_2 = try InceptionConvUnit(192, 192, kernel: (1, 7), padding: (0, 3))
        branch7x7x3_3 = try InceptionConvUnit(192, 192, kernel: (7, 1), padding: (3, 0))
        branch7x7x3_4 = try InceptionConvUnit(192, 192, kernel: 3, stride: 2)
        super.init()
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Tensor.concatenate([
            branch3x3_2(branch3x3_1(x)),
            branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x)))),
            inferencePool2d(x, .max, geometry: reductionPoolWindow),
        ], axis: 1)
    }
}

/// Block E (Mixed_7b, 7c): 1×1 | 1×1→(1×3 ‖ 3×1) | 1×1→3×3→(1×3 ‖ 3×1) | pool→1×1. The FID
/// variant's Mixed_7b average-pools excluding the padding, its Mixed_7c max-pools.
/// `[B, C, 8, 8] -> [B, 2048, 8, 8]`.
final class InceptionE: Module {
    let branch1x1: InceptionConvUnit
    let branch3x3_1, branch3x3_2a, branch3x3_2b: InceptionConvUnit
    let branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b: InceptionConvUnit
    let branch_pool: InceptionConvUnit
    let pooling: PoolingKind

    init(_ inputChannels: Int, pooling: PoolingKind) throws {
        branch1x1 = try InceptionConvUnit(inputChannels, 320, kernel: 1)
        branch3x3_1 = try InceptionConvUnit(inputChannels, 384, kernel: 1)
        branch3x3_2a = try InceptionConvUnit(384, 384, kernel: (1, 3), padding: (0, 1))
        branch3x3_2b = try InceptionConvUnit(384, 384, kernel: (3, 1), padding: (1, 0))
        branch3x3dbl_1 = try InceptionConvUnit(inputChannels, 448, kernel: 1)
        branch3x3dbl_2 = try InceptionConvUnit(448, 384, kernel: 3, padding: 1)
        branch3x3dbl_3a = try InceptionConvUnit(384, 384, kernel: (1, 3), padding: (0, 1))
        branch3x3dbl_3b = try InceptionConvUnit(384, 384, kernel: (3, 1), padding: (1, 0))
        branch_pool = try InceptionConvUnit(inputChannels, 192, kernel: 1)
        self.pooling = pooling
        super.init()
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let single = try branch3x3_1(x)
        let double = try branch3x3dbl_2(branch3x3dbl_1(x))
        return try Tensor.concatenate([
            branch1x1(x),
            branch3x3_2a(single), branch3x3_2b(single),
            branch3x3dbl_3a(double), branch3x3dbl_3b(double),
            branch_pool(inferencePool2d(x, pooling, geometry: branchPoolWindow)),
        ], axis: 1)
    }
}
