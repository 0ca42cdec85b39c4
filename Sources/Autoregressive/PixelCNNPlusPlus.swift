import Distributions
import NeuralNet
import TensorCore
import Training

/// PixelCNN++ (Salimans et al. 2017; spec §1.7, §2.4): `ln p(x) = Σ_i ln p(x_i | x_<i [, c])`
/// in raster order, each pixel a mixture of discretised logistics over its channels
/// (`DiscretizedLogisticMixture`), for 8-bit images `[B, C, H, W]` (pixel values 0…255).
///
/// Two causal streams run over the image scaled to [−1, 1] with a channel of ones (which marks
/// the zero padding at the borders): the down stream `u` (every pixel sees the rows above it)
/// and the down-right stream `ul` (the rows above and the pixels to its left):
///
///     u  = down_shift(conv_2×3(x))
///     ul = down_shift(conv_1×3(x)) + right_shift(conv_2×1(x))
///     up:   per level, `resnetBlocks` gated blocks on u, then on ul (with u as auxiliary
///           input); between levels a stride-2 causal convolution halves both; every output kept
///     down: from the lowest level up, gated blocks taking the kept outputs as auxiliary inputs
///           (u: the kept u; ul: [u, the kept ul]); between levels a causal transposed
///           convolution doubles both
///     parameters = nin(elu(ul))                     [B, K·(1 + 2C + C(C−1)/2), H, W]
///
/// A conditional model also takes `c` `[B, conditionChannels, H, W]`; the `ConditioningStream`
/// turns it into one feature map per level, which every gated block of that level adds to its
/// gates. Dropout is active in training mode (`setTraining`); evaluation and sampling should
/// run in evaluation mode.
public final class PixelCNNPlusPlus: Module, LikelihoodModel, SampleGenerator {
    public let imageShape: [Int]
    public let architecture: PixelCNNArchitecture
    public let mixture: DiscretizedLogisticMixture
    let firstDown: ShiftedConv2D
    let firstRowAbove: ShiftedConv2D
    let firstLeft: ShiftedConv2D
    /// `[level][block]`.
    let upDown: [[GatedResidualBlock]]
    let upDownRight: [[GatedResidualBlock]]
    /// Level l → l + 1.
    let halveDown: [ShiftedConv2D]
    let halveDownRight: [ShiftedConv2D]
    /// `[level][block]`, level 0 the full resolution.
    let downDown: [[GatedResidualBlock]]
    let downDownRight: [[GatedResidualBlock]]
    /// Level l + 1 → l.
    let doubleDown: [ShiftedConvTranspose2D]
    let doubleDownRight: [ShiftedConvTranspose2D]
    let output: any ConvolutionLayer
    public let conditioning: ConditioningStream?

    /// A model of images `imageShape` = `[C, H, W]` (C = 1 or 3) on `levels` colour levels.
    public init(imageShape: [Int], architecture: PixelCNNArchitecture, levels: Int = 256, random: inout RandomStream) throws {
        try architecture.validate()
        guard imageShape.count == 3, imageShape[0] == 1 || imageShape[0] == 3, imageShape[1] >= 1, imageShape[2] >= 1 else {
            throw TrainingError.invalidSetting("PixelCNN++ models images [C, H, W] with C = 1 or 3 (got \(imageShape))")
        }
        self.imageShape = imageShape
        self.architecture = architecture
        mixture = try DiscretizedLogisticMixture(components: architecture.components, channels: imageShape[0], levels: levels)
        let (f, c, levelsCount) = (architecture.filters, imageShape[0] + 1, architecture.resolutions)
        let condition = architecture.conditionChannels.map { _ in architecture.conditionFeatures }
        let normalization = architecture.layerNormalization
        func blocks(_ count: Int, auxiliary: Int?, shift: ShiftedConv2D.Shift) throws -> [GatedResidualBlock] {
            try (0..<count).map { _ in
                try GatedResidualBlock(filters: f, auxiliaryChannels: auxiliary, conditionChannels: condition, shift: shift,
                                       dropout: architecture.dropout, weightNormalization: normalization, random: &random)
            }
        }
        firstDown = try ShiftedConv2D(inputChannels: c, outputChannels: f, kernelHeight: 2, kernelWidth: 3, shift: .down,
                                      weightNormalization: normalization, random: &random)
        firstRowAbove = try ShiftedConv2D(inputChannels: c, outputChannels: f, kernelHeight: 1, kernelWidth: 3, shift: .down,
                                          weightNormalization: normalization, random: &random)
        firstLeft = try ShiftedConv2D(inputChannels: c, outputChannels: f, kernelHeight: 2, kernelWidth: 1, shift: .downRight,
                                      weightNormalization: normalization, random: &random)
        var (upD, upDR, downD, downDR) = ([[GatedResidualBlock]](), [[GatedResidualBlock]](), [[GatedResidualBlock]](),
                                          [[GatedResidualBlock]]())
        for _ in 0..<levelsCount {
            upD.append(try blocks(architecture.resnetBlocks, auxiliary: nil, shift: .down))
            upDR.append(try blocks(architecture.resnetBlocks, auxiliary: f, shift: .downRight))
        }
        for level in 0..<levelsCount {
            let count = architecture.resnetBlocks + (level == levelsCount - 1 ? 0 : 1)
            downD.append(try blocks(count, auxiliary: f, shift: .down))
            downDR.append(try blocks(count, auxiliary: 2 * f, shift: .downRight))
        }
        (upDown, upDownRight, downDown, downDownRight) = (upD, upDR, downD, downDR)
        halveDown = try (1..<levelsCount).map { _ in
            try ShiftedConv2D(inputChannels: f, outputChannels: f, kernelHeight: 2, kernelWidth: 3, shift: .down, stride: 2,
                              weightNormalization: normalization, random: &random)
        }
        halveDownRight = try (1..<levelsCount).map { _ in
            try ShiftedConv2D(inputChannels: f, outputChannels: f, kernelHeight: 2, kernelWidth: 2, shift: .downRight, stride: 2,
                              weightNormalization: normalization, random: &random)
        }
        doubleDown = try (1..<levelsCount).map { _ in
            try ShiftedConvTranspose2D(inputChannels: f, outputChannels: f, shift: .down, weightNormalization: normalization,
                                       random: &random)
        }
        doubleDownRight = try (1..<levelsCount).map { _ in
            try ShiftedConvTranspose2D(inputChannels: f, outputChannels: f, shift: .downRight,
                                       weightNormalization: normalization, random: &random)
        }
        output = try normalization.apply(to: Conv2D(inputChannels: f, outputChannels: mixture.parameterCount, kernelSize: 1,
                                                    random: &random))
        conditioning = try architecture.conditionChannels.map {
            try ConditioningStream(inputChannels: $0, features: architecture.conditionFeatures, levels: levelsCount,
                                   random: &random)
        }
        super.init()
    }

    public var channels: Int { imageShape[0] }

    /// The mixture parameters of every pixel: `[B, K·(1 + 2C + C(C−1)/2), H, W]` for images
    /// `[B] + imageShape` (pixel values) and, for a conditional model, `condition`
    /// `[B, conditionChannels, H, W]` (any scale; AGAVE passes f(z) on [−1, 1]).
    public func distributionParameters(_ images: Tensor, condition: Tensor? = nil) throws -> Tensor {
        guard Array(images.shape.dropFirst()) == imageShape else {
            throw TensorError.invalidShape(operation: "PixelCNNPlusPlus", shape: images.shape, expected: "[B] + \(imageShape)")
        }
        return try parameters(images, features: conditioningFeatures(condition, batch: images.shape[0]))
    }

    /// `distributionParameters` from the conditioning stream's maps, for images `[B, C, h, W]`
    /// holding the first h ≤ H rows (the maps cropped to match): by causality the rows of the
    /// result are those of the whole image's (what sampling row by row exploits).
    func parameters(_ images: Tensor, features: [Tensor]?) throws -> Tensor {
        func h(_ level: Int) -> Tensor? { features?[level] }
        let x = try Tensor.concatenate([images * (1 / 127.5) - 1, Tensor.ones([images.shape[0], 1] + images.shape.dropFirst(2))],
                                       axis: 1)
        var u = try firstDown(x).shiftedDown()
        var ul = try firstRowAbove(x).shiftedDown() + firstLeft(x).shiftedRight()
        var keptDown = [u], keptDownRight = [ul]
        for level in 0..<architecture.resolutions {
            if level > 0 {
                u = try halveDown[level - 1](u)
                ul = try halveDownRight[level - 1](ul)
                keptDown.append(u)
                keptDownRight.append(ul)
            }
            for (down, downRight) in zip(upDown[level], upDownRight[level]) {
                u = try down(u, auxiliary: nil, condition: h(level))
                ul = try downRight(ul, auxiliary: u, condition: h(level))
                keptDown.append(u)
                keptDownRight.append(ul)
            }
        }
        u = keptDown.removeLast()
        ul = keptDownRight.removeLast()
        for level in stride(from: architecture.resolutions - 1, through: 0, by: -1) {
            if level < architecture.resolutions - 1 {
                let size = (keptDown.last!.shape[2], keptDown.last!.shape[3])
                u = try doubleDown[level](u, outputSize: size)
                ul = try doubleDownRight[level](ul, outputSize: size)
            }
            for (down, downRight) in zip(downDown[level], downDownRight[level]) {
                u = try down(u, auxiliary: keptDown.removeLast(), condition: h(level))
                ul = try downRight(ul, auxiliary: Tensor.concatenate([u, keptDownRight.removeLast()], axis: 1),
                                   condition: h(level))
            }
        }
        precondition(keptDown.isEmpty && keptDownRight.isEmpty, "every kept stream output is used once")
        return try output(elu(ul))
    }

    private func conditioningFeatures(_ condition: Tensor?, batch: Int) throws -> [Tensor]? {
        guard let conditioning else {
            guard condition == nil else {
                throw TrainingError.invalidSetting("this PixelCNN++ is unconditional: pass no condition")
            }
            return nil
        }
        guard let condition else {
            throw TrainingError.invalidSetting("this conditional PixelCNN++ needs its condition [B, \(conditioning.inputChannels), H, W]")
        }
        guard condition.shape == [batch, conditioning.inputChannels] + imageShape.dropFirst() else {
            throw TensorError.invalidShape(operation: "PixelCNNPlusPlus condition", shape: condition.shape,
                                           expected: "[\(batch), \(conditioning.inputChannels)] + \(Array(imageShape.dropFirst()))")
        }
        return try conditioning(condition, sizes: levelSizes)
    }

    /// `(H, W)` at each level: halved (rounding up) from one to the next.
    var levelSizes: [(Int, Int)] {
        var sizes = [(imageShape[1], imageShape[2])]
        for _ in 1..<architecture.resolutions { sizes.append(((sizes.last!.0 + 1) / 2, (sizes.last!.1 + 1) / 2)) }
        return sizes
    }

    /// `ln p(x [| c])` per image, nats: `[B]`.
    public func logLikelihood(_ images: Tensor, condition: Tensor?) throws -> Tensor {
        try mixture.logLikelihood(of: images, parameters: distributionParameters(images, condition: condition))
    }

    /// The unconditional model's `ln p(x)` per image: `[B]`.
    public func logLikelihood(_ inputs: Tensor) throws -> Tensor { try logLikelihood(inputs, condition: nil) }

    /// Images drawn pixel by pixel in raster order: `[count] + imageShape`, pixel values. Row i's
    /// pixels come from passes over rows 0…i only (causality makes them exact), with the
    /// conditioning stream run once: about half the work of full-image passes.
    public func sample(count: Int, condition: Tensor?, random: inout RandomStream) throws -> Tensor {
        try withoutGradient {
            let (c, height, width) = (imageShape[0], imageShape[1], imageShape[2])
            let features = try conditioningFeatures(condition, batch: count)
            var pixels = [Float](repeating: 0, count: count * c * height * width)
            for row in 0..<height {
                let cropped = try features?.enumerated().map { level, map in
                    try map.narrowed(axis: 2, start: 0, length: (row + 1 + (1 << level) - 1) >> level)
                }
                for column in 0..<width {
                    let images = try Tensor(shape: [count] + imageShape, scalars: pixels).narrowed(axis: 2, start: 0, length: row + 1)
                    let parameters = try self.parameters(images, features: cropped)
                        .narrowed(axis: 2, start: row, length: 1).narrowed(axis: 3, start: column, length: 1)
                    let drawn = try mixture.sample(parameters: parameters, random: &random).scalars  // [count, C, 1, 1]
                    for image in 0..<count {
                        for channel in 0..<c {
                            pixels[((image * c + channel) * height + row) * width + column] = drawn[image * c + channel]
                        }
                    }
                }
            }
            return try Tensor(shape: [count] + imageShape, scalars: pixels)
        }
    }

    public func sample(count: Int, random: inout RandomStream) throws -> Tensor {
        try sample(count: count, condition: nil, random: &random)
    }
}

/// The non-causal conditioning stream of a conditional PixelCNN++ (spec §2.4; our fusion, A3.2):
/// `c` `[B, C_c, H, W]` → `h_0 = ELU(conv_3×3(c))`, and for each lower level
/// `h_l = ELU(conv_3×3, stride 2(h_{l−1}))`, `F_c` channels each. Every gated block of level l
/// adds its own 1×1 projection of `h_l` to its gates (`GatedResidualBlock`'s `condition`).
public final class ConditioningStream: Module {
    public let inputChannels: Int
    let layers: [Conv2D]

    public init(inputChannels: Int, features: Int, levels: Int, random: inout RandomStream) throws {
        self.inputChannels = inputChannels
        layers = try (0..<levels).map { level in
            try Conv2D(inputChannels: level == 0 ? inputChannels : features, outputChannels: features, kernelSize: 3,
                       stride: level == 0 ? 1 : 2, padding: 1, random: &random)
        }
        super.init()
    }

    /// One feature map per level, `[B, F_c, H_l, W_l]`, checked against the stream's `sizes`.
    public func callAsFunction(_ condition: Tensor, sizes: [(Int, Int)]) throws -> [Tensor] {
        var maps: [Tensor] = []
        var h = condition
        for (layer, size) in zip(layers, sizes) {
            h = try elu(layer(h))
            guard h.shape[2] == size.0, h.shape[3] == size.1 else {
                throw TensorError.invalidShape(operation: "ConditioningStream", shape: h.shape, expected: "[B, F, \(size.0), \(size.1)]")
            }
            maps.append(h)
        }
        return maps
    }
}
