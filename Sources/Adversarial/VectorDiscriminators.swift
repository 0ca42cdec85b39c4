import EquivariantLayer
import NeuralNet
import TensorCore

/// The sizes of a perceptron discriminator for vector data (the 2D mixtures of §4.5.1)
/// and of the batch-aware layers the baselines add to it.
public struct VectorDiscriminatorShape: Equatable, Sendable {
    public var inputSize: Int
    /// Widths of the hidden layers: `[512, 512, 512]` in the thesis.
    public var hiddenSizes: [Int]
    /// PacGAN's packing degree m.
    public var packingDegree = 2
    /// Minibatch discrimination: K kernels of dimension C.
    public var minibatchKernels = 100
    public var minibatchKernelDimension = 5
    /// The hidden layers' units: activation, batch norm, maxout pieces (ReLU by default).
    public var units = HiddenUnits()

    public init(inputSize: Int, hiddenSizes: [Int]) {
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
    }
}

/// The discriminator forms for vector data (each method names one in its catalogue entry).
/// Adding a form is a case here and its construction in `makeDiscriminator`.
public enum VectorDiscriminatorForm: String, CaseIterable, Sendable {
    /// The plain perceptron (GAN, mixup, WGAN-GP).
    case perceptron
    /// Every dense layer an `EquivariantDense` (Eq. 4.12), per-sample outputs (BGAN, M-BGAN).
    case equivariant
    /// Minibatch discrimination's layer between the last hidden layer and the output.
    case minibatchDiscrimination = "minibatch-discrimination"
    /// The minibatch standard deviation feature appended before the last hidden layer.
    case minibatchStddev = "minibatch-stddev"
    /// PacGAN: `Packing` first, so B' = B/m and the input layer takes m·inputSize features.
    case packing

    /// The discriminator `[B, inputSize] -> [B', 1]` logits with `shape.units` hidden layers.
    public func makeDiscriminator(_ shape: VectorDiscriminatorShape, random: inout RandomStream) throws -> any Layer {
        guard !shape.hiddenSizes.isEmpty, shape.inputSize > 0, shape.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(
                operation: "makeVectorDiscriminator",
                detail: "need a positive input size and at least one positive hidden width (got \(shape.inputSize), \(shape.hiddenSizes))")
        }
        let hidden = shape.hiddenSizes, units = shape.units
        func perceptron(_ inputSize: Int, _ hiddenSizes: [Int], _ outputSize: Int) throws -> Sequential {
            try Sequential.perceptron(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize, units: units,
                                      random: &random)
        }
        switch self {
        case .perceptron:
            return try perceptron(shape.inputSize, hidden, 1)
        case .equivariant:
            guard units.maxoutPieces == 1, !units.batchNorm else {
                throw TensorError.invalidArgument(
                    operation: "makeVectorDiscriminator",
                    detail: "the equivariant discriminator (BGAN, M-BGAN) has no maxout or batch-norm form; "
                        + "set maxout_pieces = 1 and discriminator_batch_norm = false")
            }
            return EquivariantNetwork.perceptron(inputSize: shape.inputSize, hiddenSizes: hidden, outputSize: 1,
                                                 activation: { units.activation.makeLayer() }, random: &random)
        case .packing:
            let packing = try Packing(degree: shape.packingDegree)
            return Sequential([packing, try perceptron(shape.inputSize * shape.packingDegree, hidden, 1)])
        case .minibatchDiscrimination:
            // The feature network's last layer is linear; the activation follows it.
            let features = try perceptron(shape.inputSize, Array(hidden.dropLast()), hidden.last!)
            let layer = try MinibatchDiscrimination(inputFeatures: hidden.last!, kernels: shape.minibatchKernels,
                                                    kernelDimension: shape.minibatchKernelDimension, random: &random)
            let output = try Linear(inputFeatures: hidden.last! + shape.minibatchKernels, outputFeatures: 1,
                                    random: &random)
            return Sequential([features, units.activation.makeLayer(), layer, output])
        case .minibatchStddev:
            var layers: [any Layer] = []
            var width = shape.inputSize
            if hidden.count > 1 {
                width = hidden[hidden.count - 2]
                layers += [try perceptron(shape.inputSize, Array(hidden.dropLast(2)), width), units.activation.makeLayer()]
            }
            layers += [MinibatchStandardDeviation(), try perceptron(width + 1, [hidden.last!], 1)]
            return Sequential(layers)
        }
    }
}

extension AdversarialMethod {
    /// This method's discriminator for vector data (its catalogue entry's form).
    public func makeVectorDiscriminator(_ shape: VectorDiscriminatorShape, random: inout RandomStream) throws -> any Layer {
        try entry.vectorDiscriminator.makeDiscriminator(shape, random: &random)
    }
}
