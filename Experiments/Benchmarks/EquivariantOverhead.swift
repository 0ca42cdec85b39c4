import EquivariantLayer
import NeuralNet
import TensorCore

/// Forward + backward of each convolution of the SNGAN discriminator (spec §3.5, 32×32,
/// batch 64, full width) as an ordinary convolution and as an equivariant convolution
/// (Λ per sample + Γ on the batch mean, §4.4.3). The thesis calls the overhead negligible.
enum EquivariantOverhead {
    /// (input channels, output channels, kernel, stride, input size) of the discriminator.
    static let layers: [(Int, Int, Int, Int, Int)] = [
        (3, 64, 3, 1, 32), (64, 64, 4, 2, 32), (64, 128, 3, 1, 16), (128, 128, 4, 2, 16),
        (128, 256, 3, 1, 8), (256, 256, 4, 2, 8), (256, 512, 3, 1, 4),
    ]

    static func run(into table: inout BenchmarkTable, batch: Int = 64) throws {
        var totalPlain = 0.0, totalEquivariant = 0.0
        for (inC, outC, k, s, size) in layers {
            var rng = RandomStream(seed: 3)
            let x = rng.normal([batch, inC, size, size])
            let equivariant = EquivariantConv2D(inputChannels: inC, outputChannels: outC, kernelSize: k, stride: s,
                                                padding: 1, random: &rng)
            let weight = equivariant.lambda, bias = equivariant.bias
            let name = "\(inC)→\(outC) \(k)×\(k)/\(s) @\(size)²"
            let plain = try table.measure("conv fwd+bwd \(name)") {
                _ = try valueAndGradient(of: equivariant) {
                    try conv2d(x, weight: weight, bias: bias, geometry: equivariant.geometry).sum()
                }
            }
            let mixed = try table.measure("equivariant conv fwd+bwd \(name)") {
                _ = try valueAndGradient(of: equivariant) { try equivariant(x).sum() }
            }
            totalPlain += plain.milliseconds
            totalEquivariant += mixed.milliseconds
        }
        table.add(.init(name: "equivariant / ordinary conv, all 7 layers", milliseconds: totalEquivariant, gflops: nil,
                        note: String(format: "ratio %.3f (ordinary %.1f ms)", totalEquivariant / totalPlain, totalPlain)))
    }
}
