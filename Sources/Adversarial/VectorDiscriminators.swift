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

    /// The discriminator `[B, inputSize] -> [B', 1]` logits with ReLU hidden layers.
    public func makeDiscriminator(_ shape: VectorDiscriminatorShape, random: inout RandomStream) throws -> any Layer {
        guard !shape.hiddenSizes.isEmpty, shape.inputSize > 0, shape.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(
                operation: "makeVectorDiscriminator",
                detail: "need a positive input size and at least one positive hidden width (got \(shape.inputSize), \(shape.hiddenSizes))")
        }
        let hidden = shape.hiddenSizes
        switch self {
        case .perceptron:
            return try Sequential.perceptron(inputSize: shape.inputSize, hiddenSizes: hidden, outputSize: 1,
                                             random: &random)
        case .equivariant:
            return EquivariantNetwork.perceptron(inputSize: shape.inputSize, hiddenSizes: hidden, outputSize: 1,
                                                 activation: { ReLU() }, random: &random)
        case .packing:
            let packing = try Packing(degree: shape.packingDegree)
            let body = try Sequential.perceptron(inputSize: shape.inputSize * shape.packingDegree,
                                                 hiddenSizes: hidden, outputSize: 1, random: &random)
            return Sequential([packing, body])
        case .minibatchDiscrimination:
            let features = try Sequential.perceptron(inputSize: shape.inputSize, hiddenSizes: Array(hidden.dropLast()),
                                                     outputSize: hidden.last!, random: &random)
            let layer = try MinibatchDiscrimination(inputFeatures: hidden.last!, kernels: shape.minibatchKernels,
                                                    kernelDimension: shape.minibatchKernelDimension, random: &random)
            let output = try Linear(inputFeatures: hidden.last! + shape.minibatchKernels, outputFeatures: 1,
                                    random: &random)
            return Sequential([features, ReLU(), layer, output])
        case .minibatchStddev:
            var layers: [any Layer] = []
            var width = shape.inputSize
            if hidden.count > 1 {
                width = hidden[hidden.count - 2]
                layers += [try Sequential.perceptron(inputSize: shape.inputSize, hiddenSizes: Array(hidden.dropLast(2)),
                                                     outputSize: width, random: &random), ReLU()]
            }
            layers += [MinibatchStandardDeviation(),
                       try Sequential.perceptron(inputSize: width + 1, hiddenSizes: [hidden.last!], outputSize: 1,
                                                 random: &random)]
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
