import Foundation
import Testing
import TensorCore

/// The graph machinery: what is recorded, what flows where, and recording scopes.
@Suite struct AutodiffTests {
    @Test func handDerivedFirstAndSecondOrder() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let w = try Tensor(shape: [3, 2], scalars: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6])
        // d/dw Σ xw = xᵀ·1: entry (k, j) is the k-th column sum of x.
        let (value, g) = try valueAndGradient(at: w) { try x.matmul($0).sum() }
        #expect(Swift.abs(value.scalar - 5.3) < 1e-5)
        #expect(g.scalars == [5, 5, 7, 7, 9, 9])
        // ‖xᵀ·1‖² summed over both columns: d/dx_ik = 4 · (column sum k).
        let g2 = try gradient(at: x) { x in
            let leaf = w.requiringGradient()
            let gw = try gradients(of: try x.matmul(leaf).sum(), wrt: [leaf], createGraph: true)[0]
            return square(gw).sum()
        }
        #expect(g2.scalars == [20, 28, 36, 20, 28, 36])
    }

    @Test func reusedTensorsAccumulate() throws {
        // f = x·x + 3x → f' = 2x + 3.
        let g = try gradient(at: Tensor([1, -2])) { x in try (x * x + 3 * x).sum() }
        #expect(g.scalars == [5, -1])
    }

    @Test func gradientsWithRespectToIntermediatesAndUnrelatedTensors() throws {
        let x = Tensor([1, 2]).requiringGradient()
        let hidden = x * 3
        let unrelated = Tensor([5, 5, 5]).requiringGradient()
        let out = square(hidden).sum()
        let grads = try gradients(of: out, wrt: [hidden, x, unrelated])
        #expect(grads[0].scalars == [6, 12])
        #expect(grads[1].scalars == [18, 36])
        #expect(grads[2].scalars == [0, 0, 0] && grads[2].shape == [3])
    }

    @Test func constantsAndDetachedValuesAreNotRecorded() throws {
        let x = Tensor([1, 2]).requiringGradient()
        #expect(!(Tensor([1, 2]) * 2).requiresGradient)
        #expect(!exp(x.detached).requiresGradient)
        #expect(withoutGradient { exp(x) }.requiresGradient == false)
        #expect(exp(x).requiresGradient)
        let g = try gradients(of: try (x * exp(x).detached).sum(), wrt: [x])[0]
        #expect(isClose(g, Tensor([Float(M_E), Float(M_E * M_E)])))
    }

    @Test func firstOrderGradientsCarryNoGraphUnlessAsked() throws {
        let x = Tensor([1, 2]).requiringGradient()
        let y = square(x).sum()
        #expect(!(try gradients(of: y, wrt: [x])[0]).requiresGradient)
        #expect(try gradients(of: y, wrt: [x], createGraph: true)[0].requiresGradient)
    }

    @Test func seedsWeightTheOutput() throws {
        let x = Tensor([1, 2, 3]).requiringGradient()
        let g = try gradients(of: x * 2, wrt: [x], seed: Tensor([1, 0, -1]))[0]
        #expect(g.scalars == [2, 0, -2])
    }

    @Test func valueAndGradientRejectsNonScalarFunctions() {
        #expect(throws: TensorError.self) { try valueAndGradient(at: Tensor([1, 2])) { $0 * 2 } }
    }

    @Test func gradientModeIsPerThread() throws {
        // One thread sits inside `withoutGradient` while another records a graph.
        let entered = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let blocker = Thread {
            withoutGradient {
                entered.signal()
                done.wait()
            }
        }
        blocker.start()
        entered.wait()
        let recorded = Tensor([1]).requiringGradient() * 2
        done.signal()
        #expect(recorded.requiresGradient, "withoutGradient on another thread switched recording off here")
    }

    @Test func gradientModeNestsAndRestores() {
        #expect(GradMode.isEnabled)
        withoutGradient {
            #expect(!GradMode.isEnabled)
            GradMode.with(enabled: true) { #expect(GradMode.isEnabled) }
            #expect(!GradMode.isEnabled)
        }
        #expect(GradMode.isEnabled)
    }

    @Test func deepChainsDoNotOverflowTheStack() throws {
        // The topological sort is iterative: a 20 000-op chain must not recurse.
        let x = Tensor([1]).requiringGradient()
        var y = x
        for _ in 0..<20_000 { y = y * 1.0 }
        #expect(try gradients(of: y, wrt: [x])[0].scalars == [1])
    }
}
