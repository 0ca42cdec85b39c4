import NeuralNet
import TensorCore

/// The flows of the likelihood experiments, built from their published descriptions.
public enum FlowArchitectures {
    /// NICE (Dinh et al. 2015; Flow-GAN's MNIST generator, spec §5.3) on vectors `[B, D]`:
    /// `couplings` additive couplings with alternating even / odd masks, each shift an MLP of
    /// `hiddenLayers` ReLU layers of `hiddenUnits` (the paper's MNIST model: 4, 5, 1000), then a
    /// diagonal scaling; a logistic prior. The shift networks see the whole masked vector
    /// `[B, D]` (the transformed half zeroed), which is the paper's function of the kept half.
    ///
    /// `dataInitializedScaling` replaces the scaling's zero initialisation by ActNorm's
    /// data-dependent one (unit variance per coordinate on the first batch, plus a shift): on
    /// dequantised pixels whose background spans 1/256, NICE needs ln 256 ≈ 5.5 of log-scale per
    /// coordinate, which Adam at 10⁻³ reaches only after thousands of steps.
    public static func nice(dimension: Int, couplings: Int = 4, hiddenLayers: Int = 5, hiddenUnits: Int = 1000,
                            dataInitializedScaling: Bool = false, random: inout RandomStream) throws -> FlowDensity {
        guard dimension >= 2, couplings >= 1, hiddenLayers >= 1, hiddenUnits >= 1 else {
            throw TensorError.invalidArgument(operation: "NICE", detail: "needs dimension ≥ 2 and positive couplings, "
                                              + "layers and units (got \(dimension), \(couplings), \(hiddenLayers), \(hiddenUnits))")
        }
        var steps: [any Bijection] = try (0..<couplings).map { index in
            let shift = try Sequential.perceptron(inputSize: dimension, hiddenSizes: Array(repeating: hiddenUnits, count: hiddenLayers),
                                                  outputSize: dimension, random: &random)
            return AdditiveCoupling(shift: shift, mask: .alternating(parity: index % 2))
        }
        steps.append(dataInitializedScaling ? ActNorm(channels: dimension) : DiagonalScaling(rowShape: [dimension]))
        return FlowDensity(flow: BijectionSequence(steps), prior: .logistic, rowShape: [dimension])
    }

    /// The shape of a Real-NVP: `scales` (spec §1.3: each scale but the last is 3 checkerboard
    /// couplings, a squeeze, 3 channel couplings and a factor-out of half the channels; the
    /// last is `finalCouplings` checkerboard couplings), each coupling's `ResidualNetwork` with
    /// `residualBlocks` blocks of `features` channels, and a normalisation bijection after each
    /// coupling (Real-NVP's batch norm, spec §4.5, by default). Thesis Fig. 5.12 varies scales
    /// and blocks in 1…4; chapter 5's default f_ψ is one scale of 3 couplings with 2 blocks (spec A5.5).
    public struct RealNVPShape: Codable, Equatable, Sendable {
        public var scales: Int
        public var residualBlocks: Int
        public var features: Int
        public var finalCouplings: Int
        public var normalization: FlowNormalization

        public init(scales: Int = 2, residualBlocks: Int = 2, features: Int = 32, finalCouplings: Int = 4,
                    normalization: FlowNormalization = .batch) {
            (self.scales, self.residualBlocks, self.features) = (scales, residualBlocks, features)
            (self.finalCouplings, self.normalization) = (finalCouplings, normalization)
        }

        /// `features` scaled by a width multiplier (at least 1 channel).
        public func widened(by multiplier: Double) -> RealNVPShape {
            var copy = self
            copy.features = max(1, Int((Double(features) * multiplier).rounded()))
            return copy
        }
    }

    /// Real-NVP (Dinh et al. 2017) on images `[B, C, H, W]` (MNIST `[1, 28, 28]`, CIFAR-10
    /// `[3, 32, 32]`): the multi-scale bijection of `shape`, mapping the image shape to itself
    /// (factored-out channels are squeezed back into place), under a standard Gaussian prior.
    /// H and W must be divisible by 2^(scales − 1).
    public static func realNVP(imageShape: [Int], shape: RealNVPShape = RealNVPShape(),
                               random: inout RandomStream) throws -> FlowDensity {
        guard imageShape.count == 3, imageShape.allSatisfy({ $0 > 0 }), shape.scales >= 1, shape.finalCouplings >= 1 else {
            throw TensorError.invalidArgument(operation: "Real-NVP", detail: "needs an image shape [C, H, W] and ≥ 1 scale and "
                                              + "final coupling (got \(imageShape), \(shape.scales), \(shape.finalCouplings))")
        }
        let divisor = 1 << (shape.scales - 1)
        guard imageShape[1] % divisor == 0, imageShape[2] % divisor == 0 else {
            throw TensorError.invalidArgument(operation: "Real-NVP", detail: "\(shape.scales) scales halve the image \(shape.scales - 1) "
                                              + "times, so H and W must be divisible by \(divisor) (got \(imageShape[1])×\(imageShape[2]))")
        }
        let flow = try scale(channels: imageShape[0], remaining: shape.scales, shape: shape, random: &random)
        return FlowDensity(flow: flow, prior: .gaussian, rowShape: imageShape)
    }

    /// One scale on `[B, channels, h, w]`, recursing into the next through the factor-out.
    private static func scale(channels: Int, remaining: Int, shape: RealNVPShape,
                              random: inout RandomStream) throws -> any Bijection {
        func couplings(_ count: Int, channels: Int, mask: (Int) -> CouplingMask) throws -> [any Bijection] {
            try (0..<count).flatMap { index -> [any Bijection] in
                let network = try ResidualNetwork(inputChannels: channels, outputChannels: 2 * channels, features: shape.features,
                                                  blocks: shape.residualBlocks, random: &random)
                let coupling = AffineCoupling(network: network, mask: mask(index % 2))
                switch shape.normalization {
                case .batch: return [coupling, try BatchNormalization(channels: channels)]
                case .actnorm: return [coupling, ActNorm(channels: channels)]
                case .none: return [coupling]
                }
            }
        }
        guard remaining > 1 else {
            return BijectionSequence(try couplings(shape.finalCouplings, channels: channels) { .checkerboard(parity: $0) })
        }
        let squeezed = 4 * channels
        let spatial = try couplings(3, channels: channels) { .checkerboard(parity: $0) }
        let channelwise = try couplings(3, channels: squeezed) { .channel(parity: $0) }
        let rest = try scale(channels: squeezed / 2, remaining: remaining - 1, shape: shape, random: &random)
        return BijectionSequence(spatial + [Squeeze()] + channelwise + [FactorOut(rest: rest), Inverted(Squeeze())])
    }
}

/// The bijection after each coupling of a Real-NVP.
public enum FlowNormalization: String, Codable, CaseIterable, Sendable {
    /// Real-NVP's batch normalisation (`BatchNormalization`): the batch's statistics in training,
    /// running averages in evaluation — two different maps until the averages settle.
    case batch = "batch-norm"
    /// Glow's activation normalisation (`ActNorm`): a per-channel affine map set from the first
    /// batch, then trained as ordinary parameters — the same map in training and evaluation.
    case actnorm
    /// None: the couplings alone.
    case none
}
