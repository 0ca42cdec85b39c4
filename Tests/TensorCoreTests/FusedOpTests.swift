import Testing
import TensorCore

/// The fused ops equal their compositions of elementary ops, in value and in their first
/// and second derivatives.
@Suite struct FusedOpTests {
    @Test(arguments: [true, false])
    func affineIsScaledMatmulPlusBias(withBias: Bool) throws {
        var data = TestData(seed: 300)
        let x = data.uniform([5, 3]), w = data.uniform([4, 3]), b = data.uniform([4])
        let fused = try affine(x, weight: w, bias: withBias ? b : nil, scale: 0.75)
        var composed = try x.matmul(w, transposeOther: true) * 0.75
        if withBias { composed = try composed + b }
        #expect(zip(fused.scalars, composed.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let inputs = withBias ? [x, w, b] : [x, w]
        try expectGradientsMatch(inputs) { try affine($0[0], weight: $0[1], bias: withBias ? $0[2] : nil, scale: 0.75) }
        try expectSecondOrderGradientsMatch(inputs) {
            tanh(try affine($0[0], weight: $0[1], bias: withBias ? $0[2] : nil, scale: 0.75))
        }
        #expect(throws: TensorError.self) { try affine(x, weight: data.uniform([4, 2]), bias: nil) }
        #expect(throws: TensorError.self) { try affine(x, weight: w, bias: data.uniform([3])) }
    }

    @Test func matmulScaleIsGEMMsAlpha() throws {
        var data = TestData(seed: 301)
        let a = data.uniform([3, 4]), b = data.uniform([4, 2])
        let scaled = try a.matmul(b, scale: -2), plain = try a.matmul(b) * -2
        #expect(zip(scaled.scalars, plain.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        try expectSecondOrderGradientsMatch([a, b]) { tanh(try $0[0].matmul($0[1], transposeOther: false, scale: 1.5)) }
    }

    /// `[B, C, K] -> [B, B, K]`, against |M_i − M_j| summed over C by elementary ops.
    @Test func pairwiseL1DistancesMatchTheComposition() throws {
        var data = TestData(seed: 302)
        // Samples 0.5 apart plus noise of at most 0.1: no |M_i − M_j| is near its kink.
        let offsets = try Tensor.arange(0, 4).reshaped([4, 1, 1]) * 0.5
        let m = try offsets + data.uniform([4, 3, 5]) * 0.1
        let fused = try pairwiseL1Distances(m)
        let composed = try abs(m.reshaped([4, 1, 3, 5]) - m.reshaped([1, 4, 3, 5])).sum(alongAxes: [2])
        #expect(fused.shape == [4, 4, 5])
        #expect(zip(fused.scalars, composed.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        try expectGradientsMatch([m]) { try pairwiseL1Distances($0[0]) }
        try expectSecondOrderGradientsMatch([m]) { exp(-(try pairwiseL1Distances($0[0]))) }
        #expect(throws: TensorError.self) { try pairwiseL1Distances(m.reshaped([4, 15])) }
    }

    /// `[B, C, H, W] -> [B, 2C, H, W]`, against elu(concat([x, −x])): value, the fused first-order
    /// kernel against the composition's gradient (zeros included), and second order.
    @Test func concatenatedELUMatchesTheComposition() throws {
        var data = TestData(seed: 304)
        let x = (data.uniform([2, 3, 2, 2]) - 0.5) * 4
        let zeroed = try Tensor.concatenate([x.narrowed(axis: 0, start: 0, length: 1), Tensor.zeros([1, 3, 2, 2])], axis: 0)
        let composition = { (x: Tensor) throws -> Tensor in elu(try Tensor.concatenate([x, -x], axis: 1)) }
        for input in [x, zeroed] {
            let fused = try concatenatedELU(input)
            #expect(fused.shape == [2, 6, 2, 2])
            #expect(zip(fused.scalars, try composition(input).scalars).allSatisfy { abs($0 - $1) < 1e-6 })
            try expectFirstOrderKernelMatches(at: input, cotangent: data.uniform([2, 6, 2, 2]), fused: concatenatedELU,
                                              composition: composition)
        }
        try expectGradientsMatch([x]) { try concatenatedELU($0[0]) }
        try expectSecondOrderGradientsMatch([x]) { try concatenatedELU($0[0]) * 2 }
        #expect(throws: TensorError.self) { try concatenatedELU(Tensor([1, 2])) }
    }

    /// `x + a ⊙ σ(b)` for gates `[a, b]` `[B, 2C, H, W]`, against split, sigmoid, product and sum:
    /// value (large |b| included, where σ saturates), the fused first-order kernel against the
    /// composition's gradient in x and in the gates, and second order.
    @Test func gatedResidualMatchesTheComposition() throws {
        var data = TestData(seed: 305)
        let x = data.uniform([2, 3, 2, 2]) - 0.5
        var gates = (data.uniform([2, 6, 2, 2]) - 0.5) * 8
        gates = try gates + Tensor(shape: gates.shape) { out, n in
            for i in 0..<n { out[i] = i % 7 == 0 ? (i % 2 == 0 ? 90 : -90) : 0 }
        }
        let composition = { (x: Tensor, gates: Tensor) throws -> Tensor in
            let halves = try gates.split(sizes: [3, 3], axis: 1)
            return try x + halves[0] * sigmoid(halves[1])
        }
        let fused = try gatedResidual(x, gates: gates)
        #expect(zip(fused.scalars, try composition(x, gates).scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        let cotangent = data.uniform([2, 3, 2, 2])
        let (xLeaf, gateLeaf) = (x.requiringGradient(), gates.requiringGradient())
        let fusedGradients = try gradients(of: gatedResidual(xLeaf, gates: gateLeaf), wrt: [xLeaf, gateLeaf], seed: cotangent)
        let composedGradients = try gradients(of: composition(xLeaf, gateLeaf), wrt: [xLeaf, gateLeaf], seed: cotangent)
        for (f, c) in zip(fusedGradients, composedGradients) {
            #expect(zip(f.scalars, c.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        }
        let moderate = (data.uniform([2, 6, 2, 2]) - 0.5) * 4
        try expectGradientsMatch([x, moderate]) { try gatedResidual($0[0], gates: $0[1]) }
        try expectSecondOrderGradientsMatch([x, moderate]) { try gatedResidual($0[0], gates: $0[1]) * 2 }
        #expect(throws: TensorError.self) { try gatedResidual(x, gates: x) }
    }

    /// Real-NVP's affine coupling on x `[B, C, H, W]` with its network's output `[B, 2C, H, W]`
    /// and a mask, against the composed expression (narrowing, tanh, exp, masks): the output, the
    /// log-determinant and the inverse (large |s̃| included, where tanh saturates; the inverse
    /// undoes the forward map), the fused first-order kernels against the composition's
    /// gradients (the log-determinant's included), finite differences to second order.
    @Test func affineCouplingMatchesTheComposition() throws {
        var data = TestData(seed: 306)
        let x = (data.uniform([2, 3, 2, 2]) - 0.5) * 2
        var network = (data.uniform([2, 6, 2, 2]) - 0.5) * 3
        network = try network + Tensor(shape: network.shape) { out, n in
            for i in 0..<n { out[i] = i % 5 == 0 ? (i % 2 == 0 ? 12 : -12) : 0 }
        }
        let kept = Tensor(shape: [1, 3, 2, 2]) { out, n in for i in 0..<n { out[i] = (i + i / 4) % 2 == 0 ? 1 : 0 } }
        let bound: Float = 2
        let transformed = 1 - kept
        let scaleAndShift = { (network: Tensor) throws -> (Tensor, Tensor) in
            (try bound * tanh(network.narrowed(axis: 1, start: 0, length: 3)) * transformed,
             try network.narrowed(axis: 1, start: 3, length: 3) * transformed)
        }
        let composition = { (x: Tensor, network: Tensor) throws -> (Tensor, Tensor) in
            let (s, t) = try scaleAndShift(network)
            return (try kept * x + transformed * (x * exp(s) + t), try s.sum(alongAxes: [1, 2, 3]))
        }
        let inverseComposition = { (y: Tensor, network: Tensor) throws -> Tensor in
            let (s, t) = try scaleAndShift(network)
            return try kept * y + transformed * ((y - t) * exp(-s))
        }
        let close = { (a: Tensor, b: Tensor, tolerance: Float) in
            a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
        }

        let (y, logDeterminant) = try affineCoupling(x, network: network, kept: kept, scaleBound: bound)
        let (composedY, composedLogDeterminant) = try composition(x, network)
        #expect(close(y, composedY, 1e-6) && close(logDeterminant, composedLogDeterminant, 1e-6))
        let recovered = try inverseAffineCoupling(y, network: network, kept: kept, scaleBound: bound)
        let composedRecovered = try inverseComposition(y, network)
        #expect(close(recovered, x, 1e-5) && close(recovered, composedRecovered, 1e-6))

        let (xLeaf, networkLeaf) = (x.requiringGradient(), network.requiringGradient())
        let (outputCotangent, logCotangent) = (data.uniform(x.shape), data.uniform([2]))
        let projected = { (pair: (Tensor, Tensor)) throws -> Tensor in
            try (pair.0 * outputCotangent).sum() + (pair.1 * logCotangent).sum()
        }
        let fused = try gradients(of: projected(affineCoupling(xLeaf, network: networkLeaf, kept: kept, scaleBound: bound)),
                                  wrt: [xLeaf, networkLeaf])
        let composed = try gradients(of: projected(composition(xLeaf, networkLeaf)), wrt: [xLeaf, networkLeaf])
        #expect(close(fused[0], composed[0], 1e-5) && close(fused[1], composed[1], 1e-5))
        let fusedInverse = try gradients(of: inverseAffineCoupling(xLeaf, network: networkLeaf, kept: kept, scaleBound: bound),
                                         wrt: [xLeaf, networkLeaf], seed: outputCotangent)
        let composedInverse = try gradients(of: inverseComposition(xLeaf, networkLeaf), wrt: [xLeaf, networkLeaf],
                                            seed: outputCotangent)
        #expect(close(fusedInverse[0], composedInverse[0], 1e-5) && close(fusedInverse[1], composedInverse[1], 1e-5))

        let moderate = (data.uniform([2, 6, 2, 2]) - 0.5) * 2
        let forwardAndLog = { (inputs: [Tensor]) throws -> Tensor in
            let (y, logDeterminant) = try affineCoupling(inputs[0], network: inputs[1], kept: kept, scaleBound: bound)
            return try y.sum(alongAxes: [1, 2, 3]) * 0.5 + logDeterminant
        }
        try expectGradientsMatch([x, moderate], forwardAndLog)
        try expectSecondOrderGradientsMatch([x, moderate], forwardAndLog)
        try expectGradientsMatch([x, moderate]) { try inverseAffineCoupling($0[0], network: $0[1], kept: kept, scaleBound: bound) }
        try expectSecondOrderGradientsMatch([x, moderate]) {
            try inverseAffineCoupling($0[0], network: $0[1], kept: kept, scaleBound: bound) * 2
        }
        #expect(throws: TensorError.self) { try affineCoupling(x, network: x, kept: kept, scaleBound: bound) }
        #expect(throws: TensorError.self) { try inverseAffineCoupling(x, network: network, kept: x, scaleBound: bound) }
    }

    /// `[B, C, K] -> [B, K]`, against Σ_j exp(−D_ij) − 1 over `pairwiseL1Distances`: value, the
    /// fused first-order kernel against the composition's gradient, and second order (the rule
    /// built from differentiable pieces while recording).
    @Test func pairwiseL1ClosenessMatchesTheComposition() throws {
        var data = TestData(seed: 303)
        let offsets = try Tensor.arange(0, 5).reshaped([5, 1, 1]) * 0.5
        let m = try offsets + data.uniform([5, 3, 4]) * 0.1
        let composition = { (m: Tensor) throws -> Tensor in try exp(-(try pairwiseL1Distances(m))).sum(alongAxes: [1]) - 1 }
        let fused = try pairwiseL1Closeness(m)
        #expect(fused.shape == [5, 4])
        #expect(zip(fused.scalars, try composition(m).scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        try expectFirstOrderKernelMatches(at: m, cotangent: data.uniform([5, 4]), fused: pairwiseL1Closeness,
                                          composition: composition)
        try expectGradientsMatch([m]) { try pairwiseL1Closeness($0[0]) }
        try expectSecondOrderGradientsMatch([m]) { try pairwiseL1Closeness($0[0]) * 2 }
        #expect(throws: TensorError.self) { try pairwiseL1Closeness(m.reshaped([5, 12])) }
    }

    /// The gradient a fused op's first-order kernel gives for `cotangent` at `input` equals the
    /// one autodiff finds through `composition` (within 1e-5).
    private func expectFirstOrderKernelMatches(at input: Tensor, cotangent: Tensor, fused: (Tensor) throws -> Tensor,
                                               composition: (Tensor) throws -> Tensor,
                                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let leaf = input.requiringGradient()
        let fusedGradient = try gradients(of: try fused(leaf), wrt: [leaf], seed: cotangent)[0]
        let composedGradient = try gradients(of: try composition(leaf), wrt: [leaf], seed: cotangent)[0]
        #expect(zip(fusedGradient.scalars, composedGradient.scalars).allSatisfy { abs($0 - $1) < 1e-5 },
                sourceLocation: sourceLocation)
    }
}
