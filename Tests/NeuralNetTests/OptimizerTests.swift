import Testing
import TensorCore
@testable import NeuralNet

/// A module with two free parameters, `a` and `b`.
final class TwoParameters: Module {
    @Parameter var a: Tensor
    @Parameter var b: Tensor
    init(a: Tensor = Tensor([1, -2]), b: Tensor = Tensor([3])) {
        self.a = a
        self.b = b
        super.init()
    }
}

/// The gradient sequence of the hand-computed trajectories, for parameter `a` = [1, −2].
private let gradientSequence: [[Float]] = [[0.5, 1], [-1, 0.25], [2, -0.5]]

/// Runs `optimizer` over `gradientSequence` (on `a` only) and returns `a` after each step.
private func trajectory(_ make: (Module) throws -> any Optimizer) throws -> [[Float]] {
    let module = TwoParameters()
    let optimizer = try make(module)
    return try gradientSequence.map { g in
        try optimizer.step(gradients: Gradients(byPath: ["a": Tensor(g)]))
        return module.a.scalars
    }
}

private func expectTrajectory(_ actual: [[Float]], _ expected: [[Float]], sourceLocation: SourceLocation = #_sourceLocation) {
    for (step, (a, e)) in zip(actual, expected).enumerated() {
        #expect(zip(a, e).allSatisfy { Swift.abs($0 - $1) <= 2e-6 }, "step \(step + 1): \(a) vs \(e)",
                sourceLocation: sourceLocation)
    }
}

@Suite struct OptimizerTests {
    /// A training loop lists the parameters once; a parameter frozen after the listing gets no
    /// gradient and no update, exactly as with the reflecting overloads.
    @Test func listedParametersSkipFrozenOnesLikeReflection() throws {
        let module = TwoParameters()
        let listed = module.namedParameters
        let optimizer = try SGD(for: module, learningRate: 0.5)
        listed.first { $0.path == "b" }!.parameter.isTrainable = false
        let (_, listedGradients) = try valueAndGradient(wrt: listed) { try (module.a.sum() + module.b.sum()) * 2 }
        let (_, reflectedGradients) = try valueAndGradient(of: module) { try (module.a.sum() + module.b.sum()) * 2 }
        #expect(listedGradients.paths == ["a"] && reflectedGradients.paths == ["a"])
        try optimizer.step(gradients: Gradients(byPath: ["a": Tensor([1, 1]), "b": Tensor([1])]), parameters: listed)
        #expect(module.a.scalars == [0.5, -2.5])
        #expect(module.b.scalars == [3])
    }

    @Test func sgdWithMomentumByHand() throws {
        // b₁ = g₁ = [0.5, 1]                 θ₁ = [1, −2] − 0.1·b₁ = [0.95, −2.1]
        // b₂ = 0.9·b₁ + g₂ = [−0.55, 1.15]    θ₂ = [1.005, −2.215]
        // b₃ = 0.9·b₂ + g₃ = [1.505, 0.535]   θ₃ = [0.8545, −2.2685]
        let result = try trajectory { try SGD(for: $0, learningRate: 0.1, momentum: 0.9) }
        expectTrajectory(result, [[0.95, -2.1], [1.005, -2.215], [0.8545, -2.2685]])
    }

    @Test func plainSGDAndNesterovWithWeightDecay() throws {
        // Without momentum: θ ← θ − lr·g.
        let plain = try trajectory { try SGD(for: $0, learningRate: 0.5) }
        expectTrajectory(plain, [[0.75, -2.5], [1.25, -2.625], [0.25, -2.375]])
        // g ← g + 0.1·θ; b as above with μ = 0.5; θ ← θ − 0.1·(g + μ·b).
        // Step 1: g = [0.6, 0.8], b = g, θ = [1 − 0.09, −2 − 0.12] = [0.91, −2.12].
        let nesterov = try trajectory {
            try SGD(for: $0, learningRate: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1)
        }
        expectTrajectory(nesterov, [[0.91, -2.12], [1.03135, -2.1457], [0.73110475, -2.0494645]])
    }

    @Test func sgdDampeningSparesTheFirstStep() throws {
        // PyTorch: b₁ = g₁ (no dampening), then b ← μ·b + (1 − d)·g.
        // b₂ = 0.9·[0.5, 1] + 0.5·[−1, 0.25] = [−0.05, 1.025]; θ₂ = [0.95, −2.1] − 0.1·b₂.
        let result = try trajectory { try SGD(for: $0, learningRate: 0.1, momentum: 0.9, dampening: 0.5) }
        expectTrajectory(Array(result.prefix(2)), [[0.95, -2.1], [0.955, -2.2025]])
    }

    @Test func adamWithBiasCorrectionByHand() throws {
        // Step 1 moves by lr·g/(|g| + ε) ≈ 0.1·sign(g) (bias correction cancels (1 − β)).
        // Step 2 for a: m = −0.055, v = 0.00124975, m̂ = −0.055/0.19, v̂ = v/0.001999,
        // θ = 0.9 − 0.1·m̂/√v̂ = 0.93661035.
        let result = try trajectory { try Adam(for: $0, learningRate: 0.1) }
        expectTrajectory(result, [[0.9, -2.1], [0.9366103542, -2.1830597512], [0.8946447927, -2.2129149252]])
        // With L2 weight decay 0.5, the second gradient of step 1 is 1 + 0.5·(−2) = 0: no move.
        let decayed = try trajectory { try Adam(for: $0, learningRate: 0.1, weightDecay: 0.5) }
        expectTrajectory(decayed, [[0.9, -2], [0.8771703775, -1.925586319], [0.8118277421, -1.8425015985]])
    }

    @Test func adamaxByHand() throws {
        // u = max(β₂·u, |g| + ε); θ ← θ − lr/(1 − β₁ᵗ)·m/u.
        // Step 2 for a: m = −0.055, u = max(0.4995, 1) = 1, θ = 0.9 + 0.1·0.055/0.19 = 0.92894737.
        let result = try trajectory { try Adamax(for: $0, learningRate: 0.1) }
        expectTrajectory(result, [[0.9, -2.1], [0.9289473701, -2.1605869011], [0.9011798426, -2.180368141]])
        let decayed = try trajectory { try Adamax(for: $0, learningRate: 0.1, weightDecay: 0.5) }
        expectTrajectory(decayed, [[0.9, -2], [0.881560509, -1.9473684218], [0.8398978859, -1.8935663662]])
    }

    @Test func everyScalarOfALargeParameterIsUpdated() throws {
        // 37 scalars: two full groups of 16 lanes and a tail of 5. Adam's first step moves
        // each scalar by 0.1·sign(g) and leaves the one with g = 0 alone.
        let module = TwoParameters(a: Tensor.ones([37]))
        let optimizer = try Adam(for: module, learningRate: 0.1)
        let gradient = (0..<37).map { Float($0 - 18) / 10 }
        try optimizer.step(gradients: Gradients(byPath: ["a": Tensor(gradient)]))
        let expected = gradient.map { (g: Float) -> Float in 1 - 0.1 * (g > 0 ? 1 : (g < 0 ? -1 : 0)) }
        expectClose(module.a.scalars, expected, tolerance: 1e-6)
        expectClose(optimizer.state.tensors["a.exp_avg_sq"]!.scalars, gradient.map { (g: Float) -> Float in (1 - Float(0.999)) * g * g }, tolerance: 0)
    }

    @Test func learningRateIsMutableBetweenSteps() throws {
        let module = TwoParameters()
        let optimizer = try SGD(for: module, learningRate: 1)
        try optimizer.step(gradients: Gradients(byPath: ["b": Tensor([1])]))
        optimizer.learningRate = 0.25
        try optimizer.step(gradients: Gradients(byPath: ["b": Tensor([1])]))
        #expect(module.b.scalars == [3 - 1 - 0.25])
    }

    @Test func missingGradientsAreSkippedAndStateIsKeyedByPath() throws {
        let module = TwoParameters()
        let optimizer = try Adam(for: module)
        try optimizer.step(gradients: Gradients(byPath: ["b": Tensor([2])]))
        #expect(module.a.scalars == [1, -2])
        #expect(module.b.scalars != [3])
        #expect(optimizer.stepCount == 1)
        #expect(optimizer.state.tensors.keys.sorted() == ["b.exp_avg", "b.exp_avg_sq"])
        #expect(Swift.abs(optimizer.state.tensors["b.exp_avg"]!.scalar - 0.2) < 1e-6)
        try optimizer.step(gradients: Gradients(byPath: ["a": Tensor([1, 1]), "b": Tensor([2])]))
        #expect(optimizer.state.tensors.keys.sorted() == ["a.exp_avg", "a.exp_avg_sq", "b.exp_avg", "b.exp_avg_sq"])
        #expect(Swift.abs(optimizer.state.tensors["b.exp_avg"]!.scalar - (0.9 * 0.2 + 0.1 * 2)) < 1e-6)
    }

    @Test func mismatchedGradientShapeThrowsBeforeAnyUpdate() throws {
        let module = TwoParameters()
        let optimizer = try SGD(for: module, learningRate: 0.1)
        let gradients = Gradients(byPath: ["a": Tensor([1, 1]), "b": Tensor([1, 2])])
        #expect(throws: OptimizerError.gradientShapeMismatch(optimizer: "SGD", path: "b", parameter: [1], gradient: [2])) {
            try optimizer.step(gradients: gradients)
        }
        #expect(module.a.scalars == [1, -2], "no parameter changes when a gradient is rejected")
        #expect(optimizer.stepCount == 0)
        let message = OptimizerError.gradientShapeMismatch(optimizer: "SGD", path: "b", parameter: [1], gradient: [2]).description
        #expect(message.contains("'b'") && message.contains("[2]") && message.contains("[1]"))
    }

    @Test func invalidHyperparametersThrow() throws {
        let module = TwoParameters()
        #expect(throws: OptimizerError.self) { try SGD(for: module, learningRate: -1) }
        #expect(throws: OptimizerError.self) { try SGD(for: module, learningRate: 0.1, nesterov: true) }
        #expect(throws: OptimizerError.self) { try Adam(for: module, beta1: 1) }
        #expect(throws: OptimizerError.self) { try Adamax(for: module, epsilon: -1) }
    }

    @Test func updatesAreInPlaceAndKeepTheGraphLeaf() throws {
        var random = RandomStream(seed: 50)
        let layer = try Linear(inputFeatures: 3, outputFeatures: 2, random: &random)
        let parameter = layer.namedParameters[0].parameter
        let leaf = parameter.tensor.gradNode
        let x = random.normal([4, 3])
        let optimizer = try Adam(for: layer, learningRate: 0.01)
        let (_, gradients) = try valueAndGradient(of: layer) { try square(layer(x)).mean() }
        try optimizer.step(gradients: gradients)
        #expect(parameter.tensor.gradNode === leaf)
        // The updated weight still receives gradients.
        let (_, again) = try valueAndGradient(of: layer) { try square(layer(x)).mean() }
        #expect(again["weight"]!.scalars.contains { $0 != 0 })
    }

    @Test func restoredStateContinuesExactlyLikeAnUninterruptedRun() throws {
        func makeModel() throws -> Sequential {
            var random = RandomStream(seed: 51)
            return try Sequential {
                try Linear(inputFeatures: 3, outputFeatures: 4, random: &random)
                Tanh()
                try Linear(inputFeatures: 4, outputFeatures: 1, random: &random)
            }
        }
        var random = RandomStream(seed: 52)
        let inputs = (0..<4).map { _ in random.normal([5, 3]) }
        func train(_ model: Sequential, _ optimizer: any Optimizer, _ batches: ArraySlice<Tensor>) throws {
            for x in batches {
                let (_, g) = try valueAndGradient(of: model) { try square(model(x)).mean() }
                try optimizer.step(gradients: g)
            }
        }
        for make in [{ try Adam(for: $0, learningRate: 0.05) as any Optimizer },
                     { try Adamax(for: $0, learningRate: 0.05) },
                     { try SGD(for: $0, learningRate: 0.05, momentum: 0.9) }] as [(Module) throws -> any Optimizer] {
            let reference = try makeModel()
            try train(reference, try make(reference), inputs[...])

            let resumed = try makeModel()
            let first = try make(resumed)
            try train(resumed, first, inputs[..<2])
            let saved = first.state
            #expect(saved.stepCount == 2)
            #expect(saved.tensors.keys.allSatisfy { $0.hasPrefix("layers.0.") || $0.hasPrefix("layers.2.") })
            let second = try make(resumed)
            try second.restore(saved)
            try train(resumed, second, inputs[2...])
            for ((path, p), (_, q)) in zip(reference.namedParameters, resumed.namedParameters) {
                #expect(p.tensor.scalars == q.tensor.scalars, "\(path) differs after resuming")
            }
        }
    }

    @Test func stateExportIsACopyAndRestoreValidates() throws {
        let module = TwoParameters()
        let optimizer = try SGD(for: module, learningRate: 0.1, momentum: 0.9)
        try optimizer.step(gradients: Gradients(byPath: ["a": Tensor([1, 2])]))
        let saved = optimizer.state
        #expect(saved.tensors.keys.sorted() == ["a.momentum_buffer"])
        try optimizer.step(gradients: Gradients(byPath: ["a": Tensor([1, 2])]))
        #expect(saved.tensors["a.momentum_buffer"]!.scalars == [1, 2], "exported state must not change afterwards")

        #expect(throws: OptimizerError.self) {
            try optimizer.restore(OptimizerState(stepCount: 1, tensors: ["c.momentum_buffer": Tensor([1])]))
        }
        #expect(throws: OptimizerError.self) {
            try optimizer.restore(OptimizerState(stepCount: 1, tensors: ["a.momentum_buffer": Tensor([1])]))
        }
        #expect(throws: OptimizerError.self) {
            try optimizer.restore(OptimizerState(stepCount: 1, tensors: ["a.exp_avg": Tensor([1, 2])]))
        }
        let adam = try Adam(for: module)
        #expect(throws: OptimizerError.self) {
            try adam.restore(OptimizerState(stepCount: 1, tensors: ["a.exp_avg": Tensor([1, 2])]))
        }
    }

    @Test func adamFitsALinearRegression() throws {
        // y = 2x − 1 from 64 points; Adam must find the slope and intercept.
        var random = RandomStream(seed: 53)
        let layer = try Linear(inputFeatures: 1, outputFeatures: 1, random: &random)
        let x = random.uniform([64, 1], low: -1, high: 1)
        let y = x * 2 - 1
        let optimizer = try Adam(for: layer, learningRate: 0.1)
        for _ in 0..<300 {
            let (_, g) = try valueAndGradient(of: layer) { try square(layer(x) - y).mean() }
            try optimizer.step(gradients: g)
        }
        #expect(Swift.abs(layer.weight.scalar - 2) < 1e-2)
        #expect(Swift.abs(layer.bias!.scalar + 1) < 1e-2)
    }
}

/// Divergence that leaves the loss finite (a gradient whose square overflows float32 in Adam's
/// second moment) is caught at the step it appears, naming the state variable.
@Test func aNonFiniteOptimizerStateIsCaughtAtItsStep() throws {
    let module = TwoParameters()
    let adam = try Adam(for: module, learningRate: 1e-3)
    try adam.step(gradients: Gradients(byPath: ["a": Tensor([0.5, 1])]))
    #expect {
        try adam.step(gradients: Gradients(byPath: ["a": Tensor([1e30, 1])]))
    } throws: { error in
        guard case let .nonFiniteState(_, path, count)? = error as? OptimizerError else { return false }
        return path == "a.exp_avg_sq" && count == 1
    }
    let finite = module.a.scalars.allSatisfy { $0.isFinite }
    #expect(finite, "the parameter itself stayed finite: only the state shows it")
    #expect(adam.stepCount == 2)
}

/// A restored step count must be one an optimiser can have reached: negative counts and counts
/// past 2⁵³ (a damaged checkpoint's `Int64.max`) are refused, and the state is unchanged.
@Test func anImpossibleStepCountIsRefusedOnRestore() throws {
    let module = TwoParameters()
    let adam = try Adam(for: module)
    try adam.step(gradients: Gradients(byPath: ["a": Tensor([0.5, 1])]))
    let saved = adam.state
    for steps in [-1, 1 << 60, Int.max] {
        #expect {
            try adam.restore(OptimizerState(stepCount: steps, tensors: saved.tensors))
        } throws: { error in
            "\(error)".contains("the step count \(steps) is outside 0…2⁵³")
        }
    }
    #expect(adam.stepCount == 1)
    try adam.restore(OptimizerState(stepCount: 1 << 53, tensors: saved.tensors))
    #expect(adam.stepCount == 1 << 53)
}

/// Optimiser moments that decay below the normal float range become zero instead of lingering as
/// subnormals (Intel cores run every vector holding one about 30× slower; in Adam's m they never
/// leave: 0.9 · 2⁻¹⁴⁹ rounds back to 2⁻¹⁴⁹). Adam's m at the smallest normal float decays to zero
/// in one step, a subnormal restored from a checkpoint reads as zero, SGD's momentum buffer
/// likewise — and the caller's thread keeps computing subnormals afterwards.
@Test func momentsBelowTheNormalRangeBecomeZero() throws {
    let tiny = Float.leastNormalMagnitude
    let module = TwoParameters(a: Tensor([1, 1]), b: Tensor([1]))
    let adam = try Adam(for: module, learningRate: 1e-3)
    try adam.step(gradients: Gradients(byPath: ["a": Tensor([1, 1])]))
    var saved = adam.state
    saved.tensors["a.exp_avg"] = Tensor([tiny, Float.leastNonzeroMagnitude])
    try adam.restore(saved)
    try adam.step(gradients: Gradients(byPath: ["a": Tensor([0, 0])]))
    #expect(adam.state.tensors["a.exp_avg"]!.scalars == [0, 0],
            "0.9 · \(tiny) and 0.9 · 2⁻¹⁴⁹ are subnormal: both flushed to zero")
    #expect(adam.state.tensors["a.exp_avg_sq"]!.scalars.allSatisfy { $0.isNormal }, "v = 0.999 · v₁ stays normal")

    let sgd = try SGD(for: module, learningRate: 0.1, momentum: 0.5)
    try sgd.step(gradients: Gradients(byPath: ["b": Tensor([tiny])]))
    try sgd.step(gradients: Gradients(byPath: ["b": Tensor([0])]))
    #expect(sgd.state.tensors["b.momentum_buffer"]!.scalars == [0], "0.5 · \(tiny) is subnormal")

    // The mode is the optimiser's alone: after its steps this thread still computes subnormals.
    let half = Float(Tensor([0.5]).scalars[0])
    #expect(tiny * half == tiny / 2 && (tiny * half).isSubnormal)
}
