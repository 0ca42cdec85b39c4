import Testing
import TensorCore

/// Large elementwise passes and reductions run split over the OpenMP team that also runs
/// oneDNN (`KernelThreads`, above 2¹⁸ elements). Each output element is computed exactly as
/// one thread would, so the split results equal scalar reference loops bit for bit, and the
/// fused batch normalisation equals its composition.
@Suite struct ParallelKernelTests {
    /// 8 · 16 · 48 · 48 = 294,912 elements: above the split threshold.
    static let large = [8, 16, 48, 48]

    @Test func arithmeticEqualsScalarLoopsWithEveryBroadcast() throws {
        var data = TestData(seed: 310)
        let x = data.uniform(Self.large), y = data.uniform(Self.large, in: 0.5...2)
        let perChannel = data.uniform([1, 16, 1, 1], in: 0.5...2), perRow = data.uniform([48], in: 0.5...2)
        let scalar = Tensor(1.5)
        let operations: [(String, (Tensor, Tensor) throws -> Tensor, (Float, Float) -> Float)] = [
            ("+", { try $0 + $1 }, { $0 + $1 }), ("-", { try $0 - $1 }, { $0 - $1 }),
            ("*", { try $0 * $1 }, { $0 * $1 }), ("/", { try $0 / $1 }, { $0 / $1 }),
        ]
        for (name, operation, reference) in operations {
            for (lhs, rhs) in [(x, y), (x, perChannel), (perChannel, y), (x, perRow), (x, scalar), (scalar, y)] {
                let result = try operation(lhs, rhs)
                let a = try lhs.broadcast(to: Self.large).scalars, b = try rhs.broadcast(to: Self.large).scalars
                #expect(result.shape == Self.large)
                #expect(result.scalars == zip(a, b).map(reference), "\(name) of \(lhs.shape) and \(rhs.shape)")
            }
        }
    }

    @Test func sumsEqualTheSerialOrderBitForBit() throws {
        var data = TestData(seed: 311)
        let x = data.uniform(Self.large)
        let values = x.scalars
        // Axis 0 (one outer block: split over positions) and axis 2 (split over outer blocks).
        for axis in [0, 2] {
            let outer = Self.large[..<axis].reduce(1, *), extent = Self.large[axis]
            let inner = Self.large[(axis + 1)...].reduce(1, *)
            var expected = [Float](repeating: 0, count: outer * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    var sum = values[o * extent * inner + i]
                    for k in 1..<extent { sum += values[(o * extent + k) * inner + i] }
                    expected[o * inner + i] = sum
                }
            }
            #expect(try x.sum(alongAxes: [axis]).scalars == expected)
        }
    }

    /// Forward: positive inputs pass, negative ones are scaled (ReLU gives +0, not −0), NaN
    /// stays NaN; backward: `g` where `x > 0`, `slope · g` elsewhere; second order through it.
    @Test(arguments: [Float(0), 0.2])
    func leakyReluIsOneFusedPassEachWay(slope: Float) throws {
        var data = TestData(seed: 312)
        let special = Tensor([-2, -0.0, 0, 3, .nan])
        let y = leakyRelu(special, slope: slope)
        #expect(y.scalars[0] == -2 * slope && y.scalars[3] == 3 && y.scalars[4].isNaN)
        if slope == 0 { #expect(y.scalars[0].sign == .plus && y.scalars[1].sign == .plus) }
        let x = data.uniform(Self.large), g = data.uniform(Self.large)
        let leaf = x.requiringGradient()
        let dx = try gradients(of: leakyRelu(leaf, slope: slope), wrt: [leaf], seed: g)[0]
        #expect(dx.scalars == zip(x.scalars, g.scalars).map { $0 > 0 ? $1 : slope * $1 })
        #expect(leakyRelu(x, slope: slope).scalars == x.scalars.map { $0 > 0 ? $0 : slope * $0 })
        let small = data.awayFromZero([3, 4])
        try expectGradientsMatch([small]) { leakyRelu($0[0], slope: slope) }
        try expectSecondOrderGradientsMatch([small]) { square(leakyRelu($0[0], slope: slope)) }
    }

    /// The fused op against `(x − μ)/√(σ² + ε)·γ + β` built from elementary ops: value,
    /// statistics, the first-order kernels' gradients in x, γ and β, finite differences, and
    /// second order (the recorded rule) — small `[B, C]` and `[B, C, H, W]` inputs, and one
    /// large enough to split its channels over the team.
    @Test(arguments: [[6, 3], [4, 3, 2, 5], [8, 16, 48, 48]])
    func batchNormalizationMatchesTheComposition(shape: [Int]) throws {
        var data = TestData(seed: 313)
        let channels = shape[1]
        let x = data.uniform(shape) * 2 + 0.5, weight = data.uniform([channels], in: 0.5...2)
        let bias = data.uniform([channels]), cotangent = data.uniform(shape)
        let epsilon: Float = 1e-5
        let axes = [0] + Array(2..<shape.count), statistics = [1, channels] + Array(repeating: 1, count: shape.count - 2)
        func composition(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) throws -> Tensor {
            let centered = try x - x.mean(alongAxes: axes, keepingDimensions: true)
            let variance = try square(centered).mean(alongAxes: axes, keepingDimensions: true)
            return try centered / sqrt(variance + epsilon) * weight.reshaped(statistics) + bias.reshaped(statistics)
        }
        let (output, mean, variance) = try batchNormalization(x, weight: weight, bias: bias, epsilon: epsilon)
        #expect(try maximumDifference(output, composition(x, weight, bias)) < 2e-5)
        #expect(try maximumDifference(mean, x.mean(alongAxes: axes)) < 1e-5)
        #expect(try maximumDifference(variance, square(x - x.mean(alongAxes: axes, keepingDimensions: true)).mean(alongAxes: axes)) < 1e-5)

        let leaves = [x, weight, bias].map { $0.requiringGradient() }
        let fused = try gradients(of: batchNormalization(leaves[0], weight: leaves[1], bias: leaves[2], epsilon: epsilon).output,
                                  wrt: leaves, seed: cotangent)
        let composed = try gradients(of: composition(leaves[0], leaves[1], leaves[2]), wrt: leaves, seed: cotangent)
        for (f, c) in zip(fused, composed) {
            let scale = c.scalars.map(abs).max()! + 1
            #expect(try maximumDifference(f, c) < 2e-5 * scale)
        }
        guard shape.count < 4 || shape[2] < 10 else { return }  // finite differences on the small inputs only
        try expectGradientsMatch([x, weight, bias]) {
            try batchNormalization($0[0], weight: $0[1], bias: $0[2], epsilon: epsilon).output * cotangent
        }
        try expectSecondOrderGradientsMatch([x, weight, bias]) {
            tanh(try batchNormalization($0[0], weight: $0[1], bias: $0[2], epsilon: epsilon).output)
        }
        let plain = try batchNormalization(x, weight: nil, bias: nil, epsilon: epsilon).output
        #expect(try maximumDifference(plain, composition(x, .ones([channels]), .zeros([channels]))) < 2e-5)
        #expect(throws: TensorError.self) { try batchNormalization(x, weight: Tensor([1]), bias: nil, epsilon: epsilon) }
        #expect(throws: TensorError.self) { try batchNormalization(Tensor([1, 2]), weight: nil, bias: nil, epsilon: epsilon) }
    }

    /// Evaluation mode: `(x − μ)/√(σ² + ε)·γ + β` with given (constant) statistics, one fused
    /// pass: value, gradients in x, γ and β against the composition, finite differences, second order.
    @Test(arguments: [[6, 3], [4, 3, 2, 5], [8, 16, 48, 48]])
    func batchNormalizationWithGivenStatisticsMatchesTheComposition(shape: [Int]) throws {
        var data = TestData(seed: 314)
        let channels = shape[1], statistics = [1, channels] + Array(repeating: 1, count: shape.count - 2)
        let x = data.uniform(shape), weight = data.uniform([channels], in: 0.5...2), bias = data.uniform([channels])
        let mean = data.uniform([channels]), variance = data.uniform([channels], in: 0.5...2), cotangent = data.uniform(shape)
        func fused(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) throws -> Tensor {
            try batchNormalization(x, weight: weight, bias: bias, mean: mean, variance: variance, epsilon: 1e-5)
        }
        func composition(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) throws -> Tensor {
            try (x - mean.reshaped(statistics)) / sqrt(variance.reshaped(statistics) + 1e-5) * weight.reshaped(statistics)
                + bias.reshaped(statistics)
        }
        #expect(try maximumDifference(fused(x, weight, bias), composition(x, weight, bias)) < 1e-5)
        let leaves = [x, weight, bias].map { $0.requiringGradient() }
        let actual = try gradients(of: fused(leaves[0], leaves[1], leaves[2]), wrt: leaves, seed: cotangent)
        let expected = try gradients(of: composition(leaves[0], leaves[1], leaves[2]), wrt: leaves, seed: cotangent)
        for (a, e) in zip(actual, expected) { #expect(try maximumDifference(a, e) < 1e-4 * (e.scalars.map(abs).max()! + 1)) }
        guard shape.count < 4 || shape[2] < 10 else { return }
        try expectGradientsMatch([x, weight, bias]) { try fused($0[0], $0[1], $0[2]) * cotangent }
        try expectSecondOrderGradientsMatch([x, weight, bias]) { tanh(try fused($0[0], $0[1], $0[2])) }
        #expect(throws: TensorError.self) {
            try batchNormalization(x, weight: nil, bias: nil, mean: Tensor([0]), variance: variance, epsilon: 1e-5)
        }
    }

    private func maximumDifference(_ a: Tensor, _ b: Tensor) throws -> Float {
        #expect(a.shape == b.shape)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }
}
