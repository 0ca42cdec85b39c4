import Testing
@testable import TensorCore

/// `affine(…, activation:)` — a linear layer and its leaky ReLU in one op — against the two ops
/// it replaces, bit for bit: the value, the first-order gradients and the second-order ones (a
/// penalty on the input gradient), small and at sizes whose product goes to oneDNN and whose
/// activation runs on the kernel team.
@Suite struct FusedAffineTests {
    static let sizes: [(rows: Int, inputs: Int, outputs: Int)] = [(5, 7, 4), (512, 64, 512)]

    static func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    @Test(arguments: [Float(0), 0.2], sizes.indices)
    func theFusedOpIsTheCompositionBitForBit(slope: Float, size: Int) throws {
        let (rows, inputs, outputs) = Self.sizes[size]
        var data = TestData(seed: 80 + UInt64(size))
        let x = data.uniform([rows, inputs]).requiringGradient()
        let weight = data.uniform([outputs, inputs]).requiringGradient(), bias = data.uniform([outputs]).requiringGradient()
        let r = data.uniform([rows, outputs])
        let fused = try affine(x, weight: weight, bias: bias, scale: 0.75, activation: .leakyRelu(slope: slope))
        let composed = leakyRelu(try affine(x, weight: weight, bias: bias, scale: 0.75), slope: slope)
        #expect(fused.gradNode?.operation == (slope == 0 ? "affine+relu" : "affine+leakyRelu"))
        #expect(Self.bits(fused) == Self.bits(composed))
        let first = { (y: Tensor) throws -> [Tensor] in try gradients(of: (y * r).sum(), wrt: [x, weight, bias]) }
        for (a, b) in zip(try first(fused), try first(composed)) { #expect(Self.bits(a) == Self.bits(b)) }
        let second = { (y: Tensor) throws -> [Tensor] in
            let dx = try gradients(of: (y * r).sum(), wrt: [x], createGraph: true)[0]
            return try gradients(of: square(dx).sum(), wrt: [weight, bias])
        }
        for (a, b) in zip(try second(fused), try second(composed)) { #expect(Self.bits(a) == Self.bits(b)) }
    }

    /// ELU and a negative slope are not fused: they are applied after the affine map.
    @Test(arguments: [ConvolutionActivation.elu, .leakyRelu(slope: -0.5)])
    func otherActivationsAreComposed(activation: ConvolutionActivation) throws {
        var data = TestData(seed: 90)
        let x = data.uniform([6, 3]).requiringGradient(), weight = data.uniform([4, 3]), bias = data.uniform([4])
        let y = try affine(x, weight: weight, bias: bias, activation: activation)
        let expected: Tensor
        switch activation {
        case .elu: expected = elu(try affine(x, weight: weight, bias: bias))
        case .leakyRelu(let slope): expected = leakyRelu(try affine(x, weight: weight, bias: bias), slope: slope)
        }
        #expect(Self.bits(y) == Self.bits(expected))
        #expect(y.gradNode?.inputs.first??.operation == "affine")
    }
}
