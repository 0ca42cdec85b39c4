import Testing
import TensorCore

/// First-order finite-difference checks of the elementwise operations.
@Suite struct ElementwiseGradientTests {
    /// Operand shape pairs that exercise every broadcasting path: equal shapes, a scalar
    /// on either side, a missing leading axis, and unit axes stretched on both sides.
    static let broadcastPairs: [([Int], [Int])] = [
        ([2, 3], [2, 3]), ([2, 3], []), ([], [2, 3]), ([2, 3, 4], [3, 4]), ([2, 1, 4], [3, 1]), ([1, 3], [2, 1]),
    ]

    @Test(arguments: broadcastPairs)
    func addAndSubtract(lhs: [Int], rhs: [Int]) throws {
        var data = TestData(seed: 10)
        let inputs = [data.uniform(lhs), data.uniform(rhs)]
        try expectGradientsMatch(inputs) { try $0[0] + $0[1] }
        try expectGradientsMatch(inputs) { try $0[0] - $0[1] }
    }

    @Test(arguments: broadcastPairs)
    func multiplyAndDivide(lhs: [Int], rhs: [Int]) throws {
        var data = TestData(seed: 11)
        let inputs = [data.uniform(lhs), data.positive(rhs)]
        try expectGradientsMatch(inputs) { try $0[0] * $0[1] }
        try expectGradientsMatch(inputs) { try $0[0] / $0[1] }
        // The same tensor on both sides accumulates two contributions.
        try expectGradientsMatch([inputs[1]]) { try $0[0] * $0[0] / ($0[0] + 1) }
    }

    @Test(arguments: broadcastPairs)
    func maximumMinimumAndWhere(lhs: [Int], rhs: [Int]) throws {
        // Operands at least 0.4 apart everywhere, so no step can swap the winner.
        var data = TestData(seed: 12)
        let a = data.uniform(lhs, in: 0...1).map { $0 < 0.5 ? $0 - 1 : $0 + 1 }
        let b = data.uniform(rhs, in: -0.6...0.6)
        try expectGradientsMatch([a, b]) { try Tensor.maximum($0[0], $0[1]) }
        try expectGradientsMatch([a, b]) { try Tensor.minimum($0[0], $0[1]) }
        let shape = try Shape.broadcast(lhs, rhs, operation: "test")
        let mask = data.uniform(shape).map { $0 > 0 ? 1 : 0 }
        try expectGradientsMatch([a, b]) { try Tensor.where(mask, $0[0], $0[1]) }
    }

    @Test func scalarConveniences() throws {
        var data = TestData(seed: 13)
        try expectGradientsMatch([data.positive([2, 3])]) { x in
            try ((2 + x[0]) * 3 - 1) / 4 + (1 - x[0]) + 5 / x[0] - 2 * x[0]
        }
    }

    /// Unary functions and the inputs on which each is smooth.
    static let unaryCases: [(name: String, input: Input, function: @Sendable (Tensor) throws -> Tensor)] = [
        ("negate", .any, { -$0 }),
        ("exp", .any, { exp($0) }),
        ("log", .positive, { log($0) }),
        ("log1p", .positive, { log1p($0) }),
        ("sigmoid", .wide, { sigmoid($0) }),
        ("logSigmoid", .wide, { logSigmoid($0) }),
        ("softplus", .wide, { softplus($0) }),
        ("tanh", .any, { tanh($0) }),
        ("relu", .awayFromZero, { relu($0) }),
        ("leakyRelu", .awayFromZero, { leakyRelu($0, slope: 0.2) }),
        ("elu", .awayFromZero, { elu($0) }),
        ("abs", .awayFromZero, { abs($0) }),
        ("sqrt", .positive, { sqrt($0) }),
        ("square", .any, { square($0) }),
        ("pow 3", .any, { pow($0, 3) }),
        ("pow -1.5", .positive, { pow($0, -1.5) }),
        ("clamp", .awayFromZero, { clamp($0 * 2, min: -1, max: 1) }),
    ]

    enum Input: Sendable {
        case any, positive, awayFromZero, wide

        func draw(_ shape: [Int], _ data: inout TestData) -> Tensor {
            switch self {
            case .any: data.uniform(shape)
            case .positive: data.positive(shape)
            case .awayFromZero: data.awayFromZero(shape)
            case .wide: data.uniform(shape, in: -6...6)
            }
        }
    }

    @Test(arguments: unaryCases.indices)
    func unary(index: Int) throws {
        let testCase = Self.unaryCases[index]
        var data = TestData(seed: 20 + UInt64(index))
        let x = testCase.input.draw([3, 4], &data)
        let report = try GradientChecker().firstOrder(at: [x]) { try testCase.function($0[0]) }
        #expect(report.passed, "\(testCase.name): \(report)")
    }

    @Test func clampPassesGradientOnlyInsideTheInterval() throws {
        let x = Tensor([-3, -0.5, 0.5, 3])
        let g = try gradient(at: x) { clamp($0, min: -1, max: 1).sum() }
        #expect(g.scalars == [0, 1, 1, 0])
    }

    @Test func powGradientsAtZero() throws {
        let x = Tensor([0, 2])
        #expect(try gradient(at: x) { pow($0, 0).sum() }.scalars == [0, 0])
        #expect(try gradient(at: x) { pow($0, 2).sum() }.scalars == [0, 4])
    }

    @Test func powWithTensorExponent() throws {
        var data = TestData(seed: 30)
        let base = data.positive([2, 3]), exponent = data.uniform([3], in: -2...2)
        try expectGradientsMatch([base, exponent]) { try pow($0[0], $0[1]) }
    }
}
