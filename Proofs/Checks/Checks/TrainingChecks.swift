import Adversarial
import EquivariantLayer
import Foundation
import NeuralNet
import TensorCore

/// Theory meets training: the project's equivariant discriminator, trained with the BGAN /
/// M-BGAN loss on mixed batches drawn by `Adversarial.MixedBatch.draw`, approaches the exact
/// optimal discriminator `D*(y) = E[#β/B | y]` of Proposition 1 (computed by `MixedBatchProcedure`).
///
/// Rows are the one-hot codes of the support points, so every batch of the finite support is an
/// input `[B, m]` and the learned `D(y)` can be compared with `D*(y)` batch by batch.
enum TrainingChecks {
    struct Setup {
        var real: FiniteDistribution
        var generated: FiniteDistribution
        var prior: ProportionPrior
        var batchSize: Int
        var placement: LossPlacement
        var hiddenSizes: [Int]
        var steps: Int
        var batchesPerStep: Int
        var learningRate: Float
        var seed: UInt64
        /// Largest allowed |D(y) − D*(y)| on each batch with P(y) ≥ `minimumProbability`.
        var tolerance: Double
        var minimumProbability: Double
    }

    /// The setup `ProofChecks` runs: 3 support points, B = 3 (10 batches up to order).
    static func standard(placement: LossPlacement, steps: Int = 1500) -> Setup {
        Setup(real: try! FiniteDistribution([Fraction(3, 5), Fraction(3, 10), Fraction(1, 10)]),
              generated: try! FiniteDistribution([Fraction(1, 10), Fraction(3, 10), Fraction(3, 5)]),
              prior: .uniform, batchSize: 3, placement: placement, hiddenSizes: [32, 32],
              steps: steps, batchesPerStep: 16, learningRate: 3e-3, seed: 4,
              tolerance: 0.05, minimumProbability: 0.01)
    }

    /// `[B, m]` one-hot rows.
    static func oneHot(_ rows: [Int], supportSize m: Int) -> Tensor {
        var scalars = [Float](repeating: 0, count: rows.count * m)
        for (i, s) in rows.enumerated() { scalars[i * m + s] = 1 }
        return try! Tensor(shape: [rows.count, m], scalars: scalars)
    }

    /// Trains, then compares the learned prediction with the exact `D*` on every batch whose
    /// probability is at least `minimumProbability`; also requires the learned discriminator to
    /// be at least twice as close to `D*` (P-weighted mean error) as the constant ½.
    static func trainedDiscriminator(_ setup: Setup) throws -> CheckOutcome {
        let procedure = try MixedBatchProcedure(real: setup.real, generated: setup.generated,
                                                prior: setup.prior, batchSize: setup.batchSize)
        let m = procedure.supportSize
        var stream = RandomStream(seed: setup.seed)
        var initStream = stream.split("weights")
        let network = InvariantNetwork(body: .perceptron(inputSize: m, hiddenSizes: setup.hiddenSizes, outputSize: 1,
                                                         activation: { ReLU() }, random: &initStream))
        let loss = BatchDiscriminatorLoss(placement: setup.placement)
        let optimizer = try Adam(for: network, learningRate: setup.learningRate)
        let prior = try setup.prior.adversarialPrior()
        let realWeights = setup.real.probabilities.map { Float($0.doubleValue) }
        let generatedWeights = setup.generated.probabilities.map { Float($0.doubleValue) }

        // Error against D* versus training steps, measured at roughly logarithmic intervals.
        let milestones = Set([0, 10, 30, 100, 300, 1000].filter { $0 < setup.steps } + [setup.steps])
        var curve = ["| steps | max |D − D*| (P(y) ≥ 1%) | P-weighted mean |D − D*| |", "|---:|---:|---:|"]
        func recordError(after steps: Int) throws {
            guard milestones.contains(steps) else { return }
            let (worst, mean) = try errors(of: network, loss: loss, procedure: procedure, setup: setup)
            curve.append(String(format: "| %d | %.4f | %.4f |", steps, worst, mean))
        }
        try recordError(after: 0)
        for step in 0..<setup.steps {
            // Cosine decay to zero: the last iterates average out the noise of the sampled targets.
            optimizer.learningRate = setup.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(setup.steps))))
            let (_, gradients) = try valueAndGradient(of: network) {
                var total: Tensor?
                for _ in 0..<setup.batchesPerStep {
                    let realRows = oneHot(try stream.categorical(weights: realWeights, count: setup.batchSize), supportSize: m)
                    let fakeRows = oneHot(try stream.categorical(weights: generatedWeights, count: setup.batchSize), supportSize: m)
                    let (mixed, _) = try MixedBatch.draw(real: realRows, generated: fakeRows, prior: prior, random: &stream)
                    let term = try loss.discriminatorLoss(logits: network.perSampleOutputs(mixed.samples),
                                                          realFraction: mixed.realFraction)
                    total = try total.map { try $0 + term } ?? term
                }
                return total! / Float(setup.batchesPerStep)
            }
            try optimizer.step(gradients: gradients)
            try recordError(after: step + 1)
        }

        var outcome = CheckOutcome()
        var trainedError = 0.0, constantError = 0.0
        for (batch, orderings) in procedure.batchTypes() {
            let probability = (orderings * procedure.batchProbability(batch)).doubleValue
            let exact = procedure.posteriorRealFraction(batch).doubleValue
            let learned = Double(try withoutGradient { try loss.prediction(logits: network.perSampleOutputs(oneHot(batch, supportSize: m))) })
            trainedError += probability * abs(learned - exact)
            constantError += probability * abs(0.5 - exact)
            guard probability >= setup.minimumProbability else { continue }
            outcome.expectClose(learned, exact, tolerance: setup.tolerance, "\(setup.placement), y=\(batch), P(y)=\(probability)")
        }
        outcome.expect(trainedError <= constantError / 2,
                       "P-weighted error \(trainedError) of the trained D is not half that of D ≡ ½ (\(constantError))")
        outcome.notes = ["error versus training steps (\(setup.placement)):"] + curve
        return outcome
    }

    /// The largest |D(y) − D*(y)| over batches with P(y) ≥ `minimumProbability`, and the
    /// P-weighted mean error over all batches.
    static func errors(of network: InvariantNetwork, loss: BatchDiscriminatorLoss, procedure: MixedBatchProcedure,
                       setup: Setup) throws -> (worst: Double, mean: Double) {
        var worst = 0.0, mean = 0.0
        for (batch, orderings) in procedure.batchTypes() {
            let probability = (orderings * procedure.batchProbability(batch)).doubleValue
            let exact = procedure.posteriorRealFraction(batch).doubleValue
            let input = oneHot(batch, supportSize: procedure.supportSize)
            let learned = Double(try withoutGradient { try loss.prediction(logits: network.perSampleOutputs(input)) })
            mean += probability * abs(learned - exact)
            if probability >= setup.minimumProbability { worst = max(worst, abs(learned - exact)) }
        }
        return (worst, mean)
    }

    static func registered(steps: Int) -> [ProofCheck] {
        [
            ProofCheck(name: "training.bgan-reaches-optimum",
                       statement: "an equivariant MLP trained \(steps) Adam steps with the BGAN loss on mixed batches (Adversarial) predicts D*(y) of Proposition 1 within 0.05 on every batch with P(y) ≥ 1% (3 points, B = 3)") {
                try trainedDiscriminator(standard(placement: .bgan(.averageLogits), steps: steps))
            },
            ProofCheck(name: "training.mbgan-reaches-optimum",
                       statement: "the same with the M-BGAN loss: the averaged per-row outputs predict D*(y) within 0.05") {
                try trainedDiscriminator(standard(placement: .mbgan, steps: steps))
            },
        ]
    }
}
