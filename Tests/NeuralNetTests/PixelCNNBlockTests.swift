import Testing
import TensorCore
@testable import NeuralNet

/// PixelCNN++'s causal pieces: which input pixels each output pixel may see, the gated block's
/// residual form, and its gradients.
@Suite struct PixelCNNBlockTests {
    /// For output pixel (i, j) of `layer` on a `[1, C, 5, 6]` input, the input pixels its
    /// gradient reaches (any channel).
    private func receptiveField(_ layer: (Tensor) throws -> Tensor, channels: Int, i: Int, j: Int) throws -> Set<[Int]> {
        var random = RandomStream(seed: 5)
        let x = random.normal([1, channels, 5, 6]).requiringGradient()
        let output = try layer(x)
        let picked = try output.narrowed(axis: 2, start: i, length: 1).narrowed(axis: 3, start: j, length: 1).sum()
        let gradient = try gradients(of: picked, wrt: [x])[0].scalars
        var seen = Set<[Int]>()
        for c in 0..<channels { for r in 0..<5 { for s in 0..<6 where gradient[(c * 5 + r) * 6 + s] != 0 { seen.insert([r, s]) } } }
        return seen
    }

    @Test(arguments: [ShiftedConv2D.Shift.down, .downRight])
    func shiftedConvolutionsSeeOnlyTheirWindow(shift: ShiftedConv2D.Shift) throws {
        var random = RandomStream(seed: 1)
        let (kh, kw) = shift == .down ? (2, 3) : (2, 2)
        let layer = try ShiftedConv2D(inputChannels: 2, outputChannels: 3, kernelHeight: kh, kernelWidth: kw, shift: shift,
                                      random: &random)
        #expect(try layer(Tensor.zeros([2, 2, 5, 6])).shape == [2, 3, 5, 6])
        for i in 0..<5 {
            for j in 0..<6 {
                let columns = shift == .down ? (j - 1)...(j + 1) : (j - 1)...j
                let expected = Set(((i - 1)...i).flatMap { r in columns.map { [r, $0] } }
                    .filter { (0..<5).contains($0[0]) && (0..<6).contains($0[1]) })
                #expect(try receptiveField({ try layer($0) }, channels: 2, i: i, j: j) == expected, "pixel (\(i), \(j))")
            }
        }
        #expect(throws: TensorError.self) {
            try ShiftedConv2D(inputChannels: 1, outputChannels: 1, kernelHeight: 2, kernelWidth: 2, shift: .down, random: &random)
        }
    }

    /// Down-right blocks stacked on the down stream never look below the row or, on the row,
    /// right of the column (a 2×2 window, composed, still sees only (≤ i, ≤ j)).
    @Test func stackedDownRightBlocksStayCausal() throws {
        var random = RandomStream(seed: 2)
        let blocks = try (0..<2).map { _ in try GatedResidualBlock(filters: 2, shift: .downRight, dropout: 0, random: &random) }
        for (i, j) in [(0, 0), (2, 3), (4, 5), (3, 0)] {
            let field = try receptiveField({ x in try blocks.reduce(x) { try $1($0) } }, channels: 2, i: i, j: j)
            #expect(field.allSatisfy { $0[0] <= i && $0[1] <= j }, "pixel (\(i), \(j)) sees \(field.sorted { $0.lexicographicallyPrecedes($1) })")
            #expect(field.contains([i, j]) && (i == 0 || field.contains([i - 1, j])))
        }
    }

    @Test func gatedBlockIsTheIdentityWhenItsSecondConvolutionIsZeroAndMatchesFiniteDifferences() throws {
        var random = RandomStream(seed: 3)
        let block = try GatedResidualBlock(filters: 2, auxiliaryChannels: 3, shift: .down, dropout: 0, random: &random)
        let x = random.normal([2, 2, 3, 4]), a = random.normal([2, 3, 3, 4])
        let zeroed = try GatedResidualBlock(filters: 2, auxiliaryChannels: 3, shift: .down, dropout: 0, random: &random)
        for (_, parameter) in zeroed.second.namedParameters { parameter.wrappedValue = Tensor.zeros(parameter.shape) }
        #expect(try zeroed(x, auxiliary: a).scalars == x.scalars)
        let elus: [Float] = [1, -0.864_664_7, -0.632_120_6, 2]  // [x, −x] = [1, −2, −1, 2] through elu
        #expect(zip(try concatenatedELU(Tensor(shape: [1, 2], scalars: [1, -2])).scalars, elus).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        #expect(throws: TensorError.self) { try block(x) }
        #expect(throws: TensorError.self) { try block(a, auxiliary: a) }
        let withoutAuxiliary = try GatedResidualBlock(filters: 2, shift: .downRight, dropout: 0, random: &random)
        try expectGradientsMatchFiniteDifferences(withoutAuxiliary, input: x)
    }
}
