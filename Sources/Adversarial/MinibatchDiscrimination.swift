import NeuralNet
import TensorCore

/// The minibatch-discrimination layer of Salimans et al. (2016), the "batch
/// discrimination" baseline of chapter 4 (spec §3.2, A4.8).
///
/// Each sample's features are projected to K rows of C numbers, `M_i = x_i T ∈ R^{K×C}`;
/// for each kernel k the closeness of samples i and j is `c_k(i, j) = exp(−‖M_{i,k} − M_{j,k}‖₁)`,
/// and sample i receives `o_k(i) = Σ_{j ≠ i} c_k(i, j)`, large when other samples of the
/// batch are close to it (a collapsed generator). The output is `[x_i, o(i)]`.
///
/// Shape: `[B, F] -> [B, F + K]`. Cost O(B² K C) in the fused `pairwiseL1Closeness`;
/// memory O(B² K) (the pairs' closeness, kept for the backward pass). Under data parallelism
/// j runs over the global batch: every process gathers all rows and keeps its own outputs.
public final class MinibatchDiscrimination: Module, Layer {
    /// T, `[F, C·K]`: column `c·K + k` is dimension c of kernel k.
    @Parameter public var projection: Tensor
    public let kernels: Int
    public let kernelDimension: Int
    public let inputFeatures: Int

    /// Defaults follow Salimans et al.'s released models: 100 kernels of dimension 5.
    /// T is drawn from N(0, 0.05²).
    public init(inputFeatures: Int, kernels: Int = 100, kernelDimension: Int = 5,
                random: inout RandomStream) throws {
        guard inputFeatures > 0, kernels > 0, kernelDimension > 0 else {
            throw TensorError.invalidArgument(
                operation: "MinibatchDiscrimination",
                detail: "sizes must be positive (features \(inputFeatures), kernels \(kernels), dimension \(kernelDimension))")
        }
        self.inputFeatures = inputFeatures
        self.kernels = kernels
        self.kernelDimension = kernelDimension
        _projection = Parameter(wrappedValue: random.normal([inputFeatures, kernels * kernelDimension],
                                                            standardDeviation: 0.05))
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == inputFeatures else {
            throw TensorError.invalidShape(operation: "MinibatchDiscrimination", shape: x.shape,
                                           expected: "[B, \(inputFeatures)]")
        }
        // T's columns are laid out dimension-major, so x·T reshapes to M [B, C, K].
        let rows = try x.matmul(projection).reshaped([x.shape[0], kernelDimension, kernels])
        let closeness = try pairwiseL1Closeness(rows.allGathered()).localShard() // [B, K], Σ_{j≠i} c_k(i, j)
        return try Tensor.concatenate([x, closeness], axis: 1)
    }
}
