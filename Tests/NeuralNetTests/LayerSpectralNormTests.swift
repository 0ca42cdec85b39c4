import CBLAS
import Testing
import TensorCore
@testable import NeuralNet

/// Singular values (descending) of a row-major `[m, n]` matrix, from LAPACK's `sgesvd`.
private func singularValues(_ matrix: Tensor) throws -> [Float] {
    let (m, n) = (matrix.shape[0], matrix.shape[1])
    var a = matrix.scalars
    var s = [Float](repeating: 0, count: min(m, n))
    var superb = [Float](repeating: 0, count: max(min(m, n) - 1, 1))
    var unusedU: Float = 0, unusedVT: Float = 0
    let none = CChar(UInt8(ascii: "N"))
    let info = LAPACKE_sgesvd(LAPACK_ROW_MAJOR, none, none, Int32(m), Int32(n), &a, Int32(n), &s,
                              &unusedU, 1, &unusedVT, 1, &superb)
    try #require(info == 0, "sgesvd failed with info \(info)")
    return s
}

@Suite struct LayerSpectralNormTests {
    @Test func estimateConvergesToTheLargestSingularValue() throws {
        var random = RandomStream(seed: 40)
        let linear = try SpectralNorm(try Linear(inputFeatures: 5, outputFeatures: 6, random: &random), random: &random)
        let conv = try SpectralNorm(try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, random: &random),
                                    random: &random)
        let transposed = try SpectralNorm(try ConvTranspose2D(inputChannels: 3, outputChannels: 4, kernelSize: 2,
                                                              random: &random), random: &random)
        // ConvTranspose2D's output channels are weight axis 1: the matrix is [4, 3·2·2].
        #expect(try ConvTranspose2D.weightMatrix(transposed.layer.weight).shape == [4, 12])
        #expect(transposed.u.shape == [4] && transposed.v.shape == [12])
        #expect(conv.u.shape == [4] && conv.v.shape == [27])

        try check(linear, matrix: Linear.weightMatrix(linear.layer.weight))
        try check(conv, matrix: Conv2D.weightMatrix(conv.layer.weight))
        try check(transposed, matrix: ConvTranspose2D.weightMatrix(transposed.layer.weight))

        func check<L>(_ layer: SpectralNorm<L>, matrix: Tensor) throws {
            let largest = try singularValues(matrix)[0]
            // Training-mode forward passes each run one power iteration.
            let input = L.self == Linear.self ? random.normal([2, 5]) : random.normal([1, 3, 4, 4])
            for _ in 0..<200 { _ = try layer(input) }
            #expect(Swift.abs(try layer.sigma().scalar - largest) < 1e-4 * largest,
                    "σ estimate vs LAPACK's largest singular value \(largest)")
            // The normalised weight has spectral norm 1.
            let normalized = try L.weightMatrix(layer.normalizedWeight())
            #expect(Swift.abs(try singularValues(normalized)[0] - 1) < 1e-4)
        }
    }

    @Test func trainingForwardIteratesOnceThenDividesBySigma() throws {
        var random = RandomStream(seed: 41)
        let layer = try SpectralNorm(try Linear(inputFeatures: 3, outputFeatures: 2, random: &random), random: &random)
        let w = layer.layer.weight, u0 = layer.u, x = random.normal([4, 3])
        // One power iteration by hand: v = Wᵀu/‖Wᵀu‖, u = Wv/‖Wv‖, σ = uᵀWv.
        let (ws, us) = (w.scalars, u0.scalars)
        var v = (0..<3).map { k in ws[k] * us[0] + ws[3 + k] * us[1] }
        let vNorm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
        v = v.map { $0 / vNorm }
        var u = (0..<2).map { o in (0..<3).map { ws[o * 3 + $0] * v[$0] }.reduce(0, +) }
        let uNorm = u.map { $0 * $0 }.reduce(0, +).squareRoot()
        u = u.map { $0 / uNorm }
        let sigma = (0..<2).map { o in u[o] * (0..<3).map { ws[o * 3 + $0] * v[$0] }.reduce(0, +) }.reduce(0, +)

        let y = try layer(x)
        expectClose(layer.u.scalars, u)
        expectClose(layer.v.scalars, v)
        expectClose(y.scalars, try layer.layer(x, weight: w / sigma).scalars)
        // In evaluation mode u and v stay put and σ uses them as stored.
        layer.eval()
        let (uBefore, vBefore) = (layer.u.scalars, layer.v.scalars)
        let yEval = try layer(x)
        #expect(layer.u.scalars == uBefore && layer.v.scalars == vBefore)
        expectClose(yEval.scalars, y.scalars)
    }

    @Test func gradientOfSigmaIsTheOuterProductOfTheVectors() throws {
        // ∂(uᵀWv)/∂W = u vᵀ when u and v are constants.
        var random = RandomStream(seed: 42)
        let layer = try SpectralNorm(try Linear(inputFeatures: 4, outputFeatures: 3, random: &random), random: &random)
        layer.eval()
        let (sigma, gradients) = try valueAndGradient(of: layer) { try layer.sigma() }
        let expected = try (layer.u.reshaped([3, 1]) * layer.v.reshaped([1, 4])).scalars
        expectClose(try #require(gradients["layer.weight"]).scalars, expected)
        #expect(gradients["layer.bias"]?.scalars.allSatisfy { $0 == 0 } ?? true)
        // σ is uᵀWv computed naively.
        let (w, u, v) = (layer.layer.weight.scalars, layer.u.scalars, layer.v.scalars)
        let naive = (0..<3).map { o in u[o] * (0..<4).map { w[o * 4 + $0] * v[$0] }.reduce(0, +) }.reduce(0, +)
        #expect(Swift.abs(sigma.scalar - naive) < 1e-5)
    }

    @Test func parametersAndBuffersHavePaths() throws {
        var random = RandomStream(seed: 43)
        let layer = try SpectralNorm(try Linear(inputFeatures: 2, outputFeatures: 2, random: &random), random: &random)
        #expect(layer.namedParameters.map(\.path) == ["layer.weight", "layer.bias"])
        #expect(layer.namedBuffers.map(\.path) == ["u", "v"])
        #expect(throws: TensorError.self) {
            try SpectralNorm(try Linear(inputFeatures: 2, outputFeatures: 2, random: &random), powerIterations: 0, random: &random)
        }
    }
}
