import NeuralNet
import TensorCore

/// NICE's additive coupling (Dinh et al. 2015): `y = m⊙x + (1 − m)⊙(x + t(m⊙x))`, volume
/// preserving (ln |det J| = 0). `shift` maps a row batch to the same shape.
public final class AdditiveCoupling: Module, Bijection {
    public let shift: any Layer
    private let masks: CouplingMaskTensors
    public var mask: CouplingMask { masks.mask }

    public init(shift: any Layer, mask: CouplingMask) {
        self.shift = shift
        masks = CouplingMaskTensors(mask)
        super.init()
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let (m, complement) = try masks.tensors(rowShape: Array(x.shape.dropFirst()))
        let kept = try m * x
        return (try kept + complement * (x + shift(kept)), .zeros([x.shape[0]]))
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        let (m, complement) = try masks.tensors(rowShape: Array(y.shape.dropFirst()))
        let kept = try m * y
        return try kept + complement * (y - shift(kept))
    }
}

/// Real-NVP's affine coupling (Dinh et al. 2017; spec §1.3):
/// `y = m⊙x + (1 − m)⊙(x⊙exp(s) + t)` with `(s̃, t) = network(m⊙x)` split along axis 1 and the
/// scale bounded, `s = scaleBound · tanh(s̃)`, so that exp(s) neither vanishes nor explodes;
/// ln |det J| = Σ (1 − m)⊙s. `network` maps `[B, C, …]` to `[B, 2C, …]`. The elementwise part
/// after the network is TensorCore's fused `affineCoupling` / `inverseAffineCoupling`.
public final class AffineCoupling: Module, Bijection {
    public let network: any Layer
    private let masks: CouplingMaskTensors
    public var mask: CouplingMask { masks.mask }
    public let scaleBound: Float

    public init(network: any Layer, mask: CouplingMask, scaleBound: Float = 2) {
        self.network = network
        masks = CouplingMaskTensors(mask)
        self.scaleBound = scaleBound
        super.init()
    }

    /// The mask `m` and the network's output `[s̃, t]` `[B, 2C, …]` for the kept part of `x`.
    private func maskAndNetwork(_ x: Tensor) throws -> (kept: Tensor, network: Tensor) {
        let m = try masks.tensors(rowShape: Array(x.shape.dropFirst())).kept
        let out = try network(m * x)
        let channels = x.shape[1]
        guard out.shape[1] == 2 * channels else {
            throw TensorError.invalidShape(operation: "AffineCoupling", shape: out.shape,
                                           expected: "the network's output [B, \(2 * channels), …] (s and t)")
        }
        return (m, out)
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let (m, out) = try maskAndNetwork(x)
        return try affineCoupling(x, network: out, kept: m, scaleBound: scaleBound)
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        let (m, out) = try maskAndNetwork(y)
        return try inverseAffineCoupling(y, network: out, kept: m, scaleBound: scaleBound)
    }
}

/// NICE's diagonal scaling: `y = x ⊙ exp(s)` with one learned log-scale per variable of a row,
/// ln |det J| = Σ s.
public final class DiagonalScaling: Module, Bijection {
    @Parameter public var logScale: Tensor

    /// `rowShape` without the batch axis.
    public init(rowShape: [Int]) {
        logScale = .zeros([1] + rowShape)
        super.init()
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let total = try logScale.sum().broadcast(to: [x.shape[0]])
        return (try x * exp(logScale), total)
    }

    public func inverse(_ y: Tensor) throws -> Tensor { try y * exp(-logScale) }
}
