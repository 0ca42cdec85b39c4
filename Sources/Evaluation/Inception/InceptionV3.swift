import NeuralNet
import TensorCore

/// Inception-v3 as pytorch-fid and torch-fidelity compute FID and IS: the 2015-12-05
/// TensorFlow graph's network (blocks A–E with the FID variant's pools, 1,008 classes), run on
/// our engine with weights converted from the public PyTorch file by
/// `Experiments/Evaluation/convert_inception_weights.py` (README, "Evaluating samples").
///
/// Input images `[N, C, H, W]` in [0, 1], C = 1 (repeated to RGB, as pytorch-fid's PIL loading
/// does) or 3, any size: they are resized to 299×299 as `resizeBilinear` (PyTorch's bilinear,
/// `align_corners=False`) and mapped to [−1, 1]. Output: the 2,048 pooled features
/// (`[N, 2048]`, FID and KID), the logits `fc(pool)` and the logits without the bias
/// (`[N, 1008]`; IS uses the latter, as the original IS code and torch-fidelity do).
///
/// Shapes through the network: 299 → stem 35×35×192 → Mixed_5b–5d 35×35×(256, 288, 288) →
/// Mixed_6a–6e 17×17×768 → Mixed_7a–7c 8×8×(1280, 2048, 2048) → global average pool.
public final class InceptionV3: Module {
    public static let inputSize = 299
    public static let featureDimension = 2048
    public static let classCount = 1008
    /// The module name of the network in its checkpoint (`/modules/inception_v3/<path>`).
    public static let checkpointModule = "inception_v3"
    /// The checkpoint metadata `network` that the conversion script writes.
    public static let networkName = "inception-v3-fid"

    let Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3: InceptionConvUnit
    let Mixed_5b, Mixed_5c, Mixed_5d: InceptionA
    let Mixed_6a: InceptionB
    let Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e: InceptionC
    let Mixed_7a: InceptionD
    let Mixed_7b, Mixed_7c: InceptionE
    let fc: Linear

    /// The network with zero placeholder parameters; `load(from:)` gives it its weights.
    init(unloaded: Void) throws {
        Conv2d_1a_3x3 = try InceptionConvUnit(3, 32, kernel: 3, stride: 2)
        Conv2d_2a_3x3 = try InceptionConvUnit(32, 32, kernel: 3)
        Conv2d_2b_3x3 = try InceptionConvUnit(32, 64, kernel: 3, padding: 1)
        Conv2d_3b_1x1 = try InceptionConvUnit(64, 80, kernel: 1)
        Conv2d_4a_3x3 = try InceptionConvUnit(80, 192, kernel: 3)
        Mixed_5b = try InceptionA(192, poolFeatures: 32)
        Mixed_5c = try InceptionA(256, poolFeatures: 64)
        Mixed_5d = try InceptionA(288, poolFeatures: 64)
        Mixed_6a = try InceptionB(288)
        Mixed_6b = try InceptionC(768, channels7x7: 128)
        Mixed_6c = try InceptionC(768, channels7x7: 160)
        Mixed_6d = try InceptionC(768, channels7x7: 160)
        Mixed_6e = try InceptionC(768, channels7x7: 192)
        Mixed_7a = try InceptionD(768)
        Mixed_7b = try InceptionE(1280, pooling: .averageInsideImage)
        Mixed_7c = try InceptionE(2048, pooling: .max)
        fc = try Linear(weight: .zeros([Self.classCount, Self.featureDimension]), bias: .zeros([Self.classCount]))
        super.init()
    }

    /// The network with random weights — He-normal convolutions, identity batch norms, a
    /// PyTorch-default fc — for benchmarks and tests of the machinery; its features mean nothing.
    public static func randomlyInitialised(random: inout RandomStream) throws -> InceptionV3 {
        let network = try InceptionV3(unloaded: ())
        for unit in convolutionUnits(of: network) {
            let shape = unit.conv.weight.shape
            let fanIn = Float(shape[1] * shape[2] * shape[3])
            unit.conv.weight = random.normal(shape, standardDeviation: (2 / fanIn).squareRoot())
        }
        let bound = 1 / Float(featureDimension).squareRoot()
        network.fc.weight = random.uniform([classCount, featureDimension], low: -bound, high: bound)
        return network
    }

    /// What the network computes for a batch of `N` images.
    public struct Outputs {
        /// `[N, 2048]`: the pooled features of FID, KID and precision / recall.
        public var features: Tensor
        /// `[N, 1008]`: `fc(features)` with its bias.
        public var logits: Tensor
        /// `[N, 1008]`: `features · fc.weightᵀ` without the bias, the logits of the IS code.
        public var unbiasedLogits: Tensor
    }

    /// `images [N, C, H, W]` in [0, 1] → `Outputs` (see the type's documentation).
    public func callAsFunction(_ images: Tensor) throws -> Outputs {
        var x = try Self.preprocessed(images)
        x = try Conv2d_2b_3x3(Conv2d_2a_3x3(Conv2d_1a_3x3(x)))
        x = try inferencePool2d(x, .max, geometry: reductionPoolWindow)
        x = try Conv2d_4a_3x3(Conv2d_3b_1x1(x))
        x = try inferencePool2d(x, .max, geometry: reductionPoolWindow)
        x = try Mixed_5d(Mixed_5c(Mixed_5b(x)))
        x = try Mixed_6e(Mixed_6d(Mixed_6c(Mixed_6b(Mixed_6a(x)))))
        x = try Mixed_7c(Mixed_7b(Mixed_7a(x)))
        let features = try x.mean(alongAxes: [2, 3])
        let weight = fc.weight.detached
        let unbiased = try affine(features, weight: weight, bias: nil)
        let logits = try affine(features, weight: weight, bias: fc.bias?.detached)
        return Outputs(features: features, logits: logits, unbiasedLogits: unbiased)
    }

    /// `[N, C, H, W]` in [0, 1] → `[N, 3, 299, 299]` in [−1, 1]: grey repeated to RGB, bilinear
    /// resize, `2x − 1` — pytorch-fid's order (resize, then normalise).
    public static func preprocessed(_ images: Tensor) throws -> Tensor {
        guard images.rank == 4, images.shape[1] == 1 || images.shape[1] == 3 else {
            throw TensorError.invalidShape(operation: "InceptionV3", shape: images.shape,
                                           expected: "images [N, 1 or 3, H, W] in [0, 1]")
        }
        var rgb = images.detached
        if images.shape[1] == 1 { rgb = try Tensor.concatenate([rgb, rgb, rgb], axis: 1) }
        return try resizeBilinear(rgb, height: inputSize, width: inputSize) * 2 - 1
    }
}
