import CKernels
import Foundation
import Testing
@testable import NeuralNet
import TensorCore

/// A parameter of 2¹⁸ scalars or more is updated in parts, one per kernel thread (two on the
/// 2-core machines). Each scalar's update is the same arithmetic wherever it runs, so the split
/// update must equal one pass of the kernel over the whole buffer bit for bit; every part must
/// flush subnormals on its own thread; a non-finite value in the last part must still be caught.
@Suite struct OptimizerInPartsTests {
    /// Two parts of unequal length and a tail shorter than one 16-scalar group.
    static let count = (1 << 18) + 37

    final class OneVector: Module {
        @Parameter var a: Tensor
        init(_ a: Tensor) {
            self.a = a
            super.init()
        }
    }

    @Test func adamInPartsEqualsOnePassBitForBit() throws {
        #expect(GEMMBackend.largeProductsRunOnTheTeam && KernelThreads.count > 1,
                "the update splits with the default backend and at least two kernel threads")
        var random = RandomStream(seed: 11)
        let start = random.normal([Self.count])
        let module = OneVector(start)
        let adam = try Adam(for: module, learningRate: 1e-2, weightDecay: 0.01)
        var (p, m, v) = (start.scalars, [Float](repeating: 0, count: Self.count), [Float](repeating: 0, count: Self.count))
        for t in 1...3 {
            let g = random.normal([Self.count])
            try adam.step(gradients: Gradients(byPath: ["a": g]))
            // Adam's bias corrections, from its Float hyperparameters as `Adam.update` forms them.
            let (lr, b1, b2) = (Double(Float(1e-2)), Double(Float(0.9)), Double(Float(0.999)))
            let stepSize = Float(lr / (1 - pow(b1, Double(t)))), correction2 = Float((1 - pow(b2, Double(t))).squareRoot())
            let nonFinite = mixedbatch_adam_step(&p, g.scalars, &m, &v, Self.count, 0.9, 0.999, 1e-8, 0.01, stepSize, correction2)
            #expect(nonFinite == 0)
        }
        for (name, actual, expected) in [("a", module.a.scalars, p), ("a.exp_avg", adam.state.tensors["a.exp_avg"]!.scalars, m),
                                         ("a.exp_avg_sq", adam.state.tensors["a.exp_avg_sq"]!.scalars, v)] {
            let differing = zip(actual, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(name): \(differing) of \(Self.count) scalars differ from one pass")
        }
    }

    /// Adam's m at the smallest normal float decays below the normal range in one step; both
    /// ends of the buffer (the first and the last part) must read zero.
    @Test func everyPartFlushesSubnormals() throws {
        let module = OneVector(Tensor(repeating: 1, shape: [Self.count]))
        let adam = try Adam(for: module, learningRate: 1e-3)
        try adam.step(gradients: Gradients(byPath: ["a": Tensor(repeating: 1, shape: [Self.count])]))
        var saved = adam.state
        saved.tensors["a.exp_avg"] = Tensor(repeating: Float.leastNormalMagnitude, shape: [Self.count])
        try adam.restore(saved)
        try adam.step(gradients: Gradients(byPath: ["a": Tensor(repeating: 0, shape: [Self.count])]))
        let m = adam.state.tensors["a.exp_avg"]!.scalars
        #expect(m.prefix(1000).allSatisfy { $0 == 0 } && m.suffix(1000).allSatisfy { $0 == 0 },
                "subnormal moments: \(m.filter { $0 != 0 }.count) of \(Self.count)")
    }

    /// Adam counts what it writes in each part; SGD counts nothing (nil from every part), so the
    /// step's second pass must find it.
    @Test(arguments: ["Adam", "SGD"])
    func aNonFiniteValueInTheLastPartIsCaught(optimizer: String) throws {
        let module = OneVector(Tensor(repeating: 1, shape: [Self.count]))
        let optimizerUnderTest: any Optimizer = optimizer == "Adam" ? try Adam(for: module, learningRate: 1e-3)
            : try SGD(for: module, learningRate: 0.1, momentum: 0.9)
        var gradient = [Float](repeating: 0.5, count: Self.count)
        gradient[Self.count - 1] = .infinity
        #expect {
            try optimizerUnderTest.step(gradients: Gradients(byPath: ["a": try Tensor(shape: [Self.count], scalars: gradient)]))
        } throws: { error in
            guard case let OptimizerError.nonFiniteState(_, path, count) = error else { return false }
            return path == "a" && count == 1
        }
    }
}
