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
/// ln |det J| = Σ (1 − m)⊙s. `network` maps `[B, C, …]` to `[B, 2C, …]`.
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

    /// `s` (bounded, zero on the kept half) and `t` (zero on the kept half) for the kept part.
    private func scaleAndShift(_ kept: Tensor, complement: Tensor) throws -> (Tensor, Tensor) {
        let out = try network(kept)
        let channels = kept.shape[1]
        guard out.shape[1] == 2 * channels else {
            throw TensorError.invalidShape(operation: "AffineCoupling", shape: out.shape,
                                           expected: "the network's output [B, \(2 * channels), …] (s and t)")
        }
        let s = try scaleBound * tanh(out.narrowed(axis: 1, start: 0, length: channels)) * complement
        let t = try out.narrowed(axis: 1, start: channels, length: channels) * complement
        return (s, t)
    }

    public func forward(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        let (m, complement) = try masks.tensors(rowShape: Array(x.shape.dropFirst()))
        let kept = try m * x
        let (s, t) = try scaleAndShift(kept, complement: complement)
        let y = try kept + complement * (x * exp(s) + t)
        return (y, try s.sum(alongAxes: Array(1..<s.rank)))
    }

    public func inverse(_ y: Tensor) throws -> Tensor {
        let (m, complement) = try masks.tensors(rowShape: Array(y.shape.dropFirst()))
        let kept = try m * y
        let (s, t) = try scaleAndShift(kept, complement: complement)
        return try kept + complement * ((y - t) * exp(-s))
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
