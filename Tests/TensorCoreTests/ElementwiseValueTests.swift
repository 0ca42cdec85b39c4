import Foundation
import Testing
import TensorCore

/// Values of the elementwise functions against Float64 references, including the
/// extreme inputs where naive formulas overflow.
@Suite struct ElementwiseValueTests {
    static let points: [Float] = [-100, -20, -3, -0.5, 0, 0.25, 2, 20, 100]

    @Sendable static func sigmoid(_ v: Double) -> Double { v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v)) }
    @Sendable static func softplus(_ v: Double) -> Double { Swift.max(v, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(v))) }

    static let references: [(name: String, function: @Sendable (Tensor) -> Tensor, reference: @Sendable (Double) -> Double)] = [
        ("sigmoid", { TensorCore.sigmoid($0) }, sigmoid),
        ("logSigmoid", { logSigmoid($0) }, { -softplus(-$0) }),
        ("softplus", { TensorCore.softplus($0) }, softplus),
        ("tanh", { tanh($0) }, { Foundation.tanh($0) }),
        ("relu", { relu($0) }, { Swift.max($0, 0) }),
        ("leakyRelu", { leakyRelu($0, slope: 0.1) }, { $0 > 0 ? $0 : 0.1 * $0 }),
        ("elu", { elu($0) }, { $0 > 0 ? $0 : Foundation.expm1($0) }),
        ("abs", { abs($0) }, { Swift.abs($0) }),
        ("square", { square($0) }, { $0 * $0 }),
        ("negate", { -$0 }, { -$0 }),
        ("clamp", { clamp($0, min: -1, max: 2) }, { Swift.min(Swift.max($0, -1), 2) }),
    ]

    @Test(arguments: references.indices)
    func matchesReference(index: Int) {
        let (name, function, reference) = Self.references[index]
        let values = function(Tensor(Self.points)).scalars
        for (x, y) in zip(Self.points, values) {
            let expected = reference(Double(x))
            #expect(y.isFinite && Swift.abs(Double(y) - expected) <= 1e-6 * Swift.max(1, Swift.abs(expected)),
                    "\(name)(\(x)) = \(y), expected \(expected)")
        }
    }

    @Test func positiveDomainFunctions() throws {
        let x = Tensor([1e-6, 0.5, 1, 4, 1e6])
        #expect(isClose(log(x), Tensor(x.scalars.map { Float(Foundation.log(Double($0))) }), tolerance: 1e-6))
        #expect(isClose(log1p(Tensor([1e-7, 1])), Tensor([1e-7, Float(Foundation.log(2.0))]), tolerance: 1e-6))
        #expect(isClose(sqrt(x), Tensor(x.scalars.map { $0.squareRoot() })))
        #expect(isClose(exp(Tensor([0, 1, -1])), Tensor([1, Float(M_E), Float(1 / M_E)])))
        #expect(isClose(pow(Tensor([4, 9]), 0.5), Tensor([2, 3])))
        #expect(isClose(try pow(Tensor([2, 3]), Tensor([3, 2])), Tensor([8, 9]), tolerance: 1e-6))
    }

    @Test func binaryValuesAndMasks() throws {
        let a = Tensor([1, 5, -2]), b = Tensor([3, 5, -4])
        #expect(try (a + b).scalars == [4, 10, -6])
        #expect(try (a - b).scalars == [-2, 0, 2])
        #expect(try (a * b).scalars == [3, 25, 8])
        #expect(try (a / b).scalars == [Float(1) / 3, 1, 0.5])
        #expect(try Tensor.maximum(a, b).scalars == [3, 5, -2])
        #expect(try Tensor.minimum(a, b).scalars == [1, 5, -4])
        #expect(try a.isGreater(than: b).scalars == [0, 0, 1])
        #expect(try a.isLess(than: b).scalars == [1, 0, 0])
        #expect(try a.isEqual(to: b).scalars == [0, 1, 0])
        #expect(try Tensor.where(Tensor([1, 0, 1]), a, Tensor(9)).scalars == [1, 9, -2])
        // Ties of maximum send the whole gradient to the left operand.
        let leaf = a.requiringGradient()
        let g = try gradients(of: try Tensor.maximum(leaf, b), wrt: [leaf])[0]
        #expect(g.scalars == [0, 1, 1])
    }
}
