import NeuralNet
import TensorCore

/// A stack of layers applied to a whole batch, equivariant when every layer is:
/// equivariant layers (Eq. 4.12) interleaved with pointwise ones (activations,
/// per-sample linear or convolution layers), which are trivially equivariant.
///
/// Shape: `[B, …] -> [B, …]`; permuting the input samples permutes the output rows.
/// The valid-sample mask is passed to every `BatchEquivariantLayer`. As in `Sequential`, an
/// `EquivariantDense` or a per-sample `ActivationFusing` layer applies the activation after it
/// inside its own op (`ActivationFusion`).
public final class EquivariantNetwork: Module, Layer {
    public let layers: [any Layer]
    /// For each layer, the activation of the next one it applies itself, or nil (plain values,
    /// so that module reflection finds each layer once).
    private let fusedActivations: [ConvolutionActivation?]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        // A batch-mixing layer fuses only when it takes the valid-sample mask with the activation.
        fusedActivations = ActivationFusion.plan(layers) { layer in
            layer is EquivariantDense || (layer is any ActivationFusing && !(layer is any BatchEquivariantLayer))
        }
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try callAsFunction(x, validMask: nil)
    }

    public func callAsFunction(_ x: Tensor, validMask: Tensor?) throws -> Tensor {
        try ActivationFusion.apply(layers, plan: fusedActivations, to: x, plain: { layer, h in
            if let mixing = layer as? any BatchEquivariantLayer { return try mixing(h, validMask: validMask) }
            return try layer(h)
        }, fused: { layer, h, activation in
            if let dense = layer as? EquivariantDense { return try dense(h, validMask: validMask, activation: activation) }
            return try (layer as! any ActivationFusing)(h, activation: activation)
        })
    }

    /// An equivariant multilayer perceptron `[B, inputSize] -> [B, outputSize]`: an
    /// `EquivariantDense` per entry of `hiddenSizes` followed by `activation()`, then a
    /// final `EquivariantDense` to `outputSize` without activation (the 2D discriminator
    /// of §4.5.1 is `hiddenSizes: [512, 512, 512]`, `outputSize: 1`).
    ///
    /// With `batchMixing: false` every layer lacks Γ (the Deep-Sets-style ablation).
    public static func perceptron(inputSize: Int, hiddenSizes: [Int], outputSize: Int,
                                  activation: () -> any Layer, batchMixing: Bool = true,
                                  weighting: BatchMixingWeights = .reweighted,
                                  random: inout RandomStream) -> EquivariantNetwork {
        var layers: [any Layer] = []
        var width = inputSize
        for hidden in hiddenSizes {
            layers.append(EquivariantDense(inputSize: width, outputSize: hidden, batchMixing: batchMixing,
                                           weighting: weighting, random: &random))
            layers.append(activation())
            width = hidden
        }
        layers.append(EquivariantDense(inputSize: width, outputSize: outputSize, batchMixing: batchMixing,
                                       weighting: weighting, random: &random))
        return EquivariantNetwork(layers)
    }
}

/// A permutation-invariant network (Eq. 4.10): an equivariant body followed by a
/// reduction over the batch axis.
///
/// - `perSampleOutputs(_:)`, `[B, …] -> [B, out]`: the outputs `o_1 … o_B` of the last
///   equivariant layer, for losses applied per sample and then averaged (M-BGAN, Eq. 4.14).
/// - `callAsFunction(_:)`, `[B, …] -> [out]`: the reduced, single output of the batch,
///   for losses applied after averaging (BGAN, Eq. 4.13).
public final class InvariantNetwork: Module, Layer {
    public let body: EquivariantNetwork
    public let reduction: BatchReduction

    public init(body: EquivariantNetwork, reduction: BatchReduction = .mean) {
        self.body = body
        self.reduction = reduction
        super.init()
    }

    public func perSampleOutputs(_ x: Tensor, validMask: Tensor? = nil) throws -> Tensor {
        try body(x, validMask: validMask)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try callAsFunction(x, validMask: nil)
    }

    public func callAsFunction(_ x: Tensor, validMask: Tensor?) throws -> Tensor {
        try reduction(perSampleOutputs(x, validMask: validMask), validMask: validMask)
    }
}
