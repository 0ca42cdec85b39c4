import Testing
import TensorCore

/// Gradients of gradients (what gradient penalties differentiate), checked by central
/// differences of the first-order gradient along random directions. Each op is
/// applied to `x · w` with both `x` and `w` as inputs, so the mixed second derivatives
/// — which flow through the backward rule's use of its saved inputs — are exercised
/// even for ops that are linear in their own input.
@Suite struct SecondOrderGradientTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(transposeSelf: Bool, transposeOther: Bool) throws {
        var data = TestData(seed: 200)
        let a = data.uniform(transposeSelf ? [2, 3, 2] : [2, 2, 3]), b = data.uniform(transposeOther ? [4, 3] : [3, 4])
        try expectSecondOrderGradientsMatch([a, b]) {
            try $0[0].matmul($0[1], transposeSelf: transposeSelf, transposeOther: transposeOther)
        }
        // A two-layer network with a curved activation: non-zero diagonal blocks too.
        try expectSecondOrderGradientsMatch([a, b]) {
            tanh(try $0[0].matmul($0[1], transposeSelf: transposeSelf, transposeOther: transposeOther))
        }
    }

    @Test(arguments: [ConvGeometry(kernel: 3, stride: 1, padding: 1), ConvGeometry(kernel: 4, stride: 2, padding: 1)])
    func conv2d(geometry g: ConvGeometry) throws {
        var data = TestData(seed: 201)
        let x = data.uniform([2, 2, 4, 6]), w = data.uniform([3, 2, g.kernel.height, g.kernel.width])
        let bias = data.uniform([3])
        try expectSecondOrderGradientsMatch([x, w, bias]) { try TensorCore.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: g) }
        try expectSecondOrderGradientsMatch([x, w, bias]) {
            softplus(try TensorCore.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: g))
        }
    }

    @Test(arguments: [0, 1])
    func convTranspose2d(outputPadding: Int) throws {
        var data = TestData(seed: 202)
        let g = ConvGeometry(kernel: 4, stride: 2, padding: 1)
        let x = data.uniform([1, 3, 3, 2]), w = data.uniform([3, 2, 4, 4]), bias = data.uniform([2])
        try expectSecondOrderGradientsMatch([x, w, bias]) {
            sigmoid(try TensorCore.convTranspose2d($0[0], weight: $0[1], bias: $0[2], geometry: g, outputPadding: outputPadding))
        }
    }

    static let activations: [(name: String, positive: Bool, function: @Sendable (Tensor) -> Tensor)] = [
        ("sigmoid", false, { sigmoid($0) }), ("tanh", false, { tanh($0) }), ("softplus", false, { softplus($0) }),
        ("logSigmoid", false, { logSigmoid($0) }), ("exp", false, { exp($0) }), ("log", true, { log($0) }),
        ("leakyRelu", false, { leakyRelu($0, slope: 0.2) }), ("relu", false, { relu($0) }),
        ("sqrt", true, { sqrt($0) }), ("square", false, { square($0) }), ("pow", true, { pow($0, 2.5) }),
    ]

    @Test(arguments: activations.indices)
    func activation(index: Int) throws {
        let (name, positive, function) = Self.activations[index]
        var data = TestData(seed: 210 + UInt64(index))
        // Positive weights keep x·w on the side of 0 that x is on (kinks stay far away).
        let x = positive ? data.positive([3, 4]) : data.awayFromZero([3, 4], margin: 0.3)
        let w = data.positive([4], in: 0.5...1.5)
        let report = try GradientChecker().secondOrder(at: [x, w]) { function(try $0[0] * $0[1]) }
        #expect(report.passed, "\(name): \(report)")
    }

    @Test func divisionAndBroadcasting() throws {
        var data = TestData(seed: 220)
        let a = data.uniform([2, 3]), b = data.positive([3])
        try expectSecondOrderGradientsMatch([a, b]) { try $0[0] / $0[1] }
        try expectSecondOrderGradientsMatch([a, b]) { try ($0[0] - $0[1]) * ($0[0] + $0[1]) }
    }

    static let reductions: [(name: String, function: @Sendable (Tensor) throws -> Tensor)] = [
        ("sum", { try $0.sum(alongAxes: [1]) }), ("sum all", { $0.sum() }),
        ("mean", { try $0.mean(alongAxes: [0, 2], keepingDimensions: true) }),
        ("variance", { try $0.variance(alongAxes: [2]) }), ("variance all", { try $0.variance(correction: 1) }),
        ("logSumExp", { try $0.logSumExp(alongAxis: 1) }), ("logSumExp kept", { try $0.logSumExp(alongAxis: -1, keepingDimensions: true) }),
    ]

    @Test(arguments: reductions.indices)
    func reduction(index: Int) throws {
        let (name, function) = Self.reductions[index]
        var data = TestData(seed: 230 + UInt64(index))
        let x = data.uniform([2, 3, 4]), w = data.uniform([3, 1])
        let report = try GradientChecker().secondOrder(at: [x, w]) { try function(try $0[0] * $0[1]) }
        #expect(report.passed, "\(name): \(report)")
        // Squared, so that the Hessian in x alone is non-zero as well.
        let squared = try GradientChecker().secondOrder(at: [x]) { square(try function($0[0])) }
        #expect(squared.passed, "\(name)²: \(squared)")
    }

    @Test func gradientPenaltyOfATinyCritic() throws {
        // ‖∇ₓ D(x)‖² differentiated with respect to the critic's weights (WGAN-GP).
        var data = TestData(seed: 240)
        let x = data.uniform([3, 4])
        let w1 = data.uniform([4, 5]), w2 = data.uniform([5, 1])
        func penalty(_ weights: [Tensor]) throws -> Tensor {
            let input = x.requiringGradient()
            let score = try leakyRelu(try input.matmul(weights[0]), slope: 0.2).matmul(weights[1]).sum()
            let inputGradient = try gradients(of: score, wrt: [input], createGraph: true)[0]
            return square(inputGradient).sum()
        }
        try expectGradientsMatch([w1, w2], penalty)
    }
}
