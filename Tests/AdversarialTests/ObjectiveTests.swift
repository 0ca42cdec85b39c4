import Adversarial
import Foundation
import NeuralNet
import TensorCore
import Testing

/// The objectives compute the losses their equations say, on batches whose every draw the
/// test can replay from a copy of the random stream.
@Suite struct ObjectiveTests {
    /// `D(x) = w·x + b` with w = (0.5, −1), b = 0.25.
    static func linearCritic() throws -> Linear {
        try Linear(weight: Tensor(shape: [1, 2], scalars: [0.5, -1]), bias: Tensor([0.25]))
    }

    static func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
    static func score(_ p: (Double, Double)) -> Double { 0.5 * p.0 - p.1 + 0.25 }

    static let realPoints: [(Double, Double)] = [(1, 0), (0, 2), (-1, -1)]
    static let fakePoints: [(Double, Double)] = [(2, 1), (0.5, 0.5), (-2, 3)]
    static func tensor(_ points: [(Double, Double)]) throws -> Tensor {
        try Tensor(shape: [points.count, 2], scalars: points.flatMap { [Float($0.0), Float($0.1)] })
    }

    @Test(arguments: [false, true])
    func nonSaturatingLossesAreTheBinaryCrossEntropies(jointly: Bool) throws {
        let critic = try Self.linearCritic()
        let objective = NonSaturatingObjective(scoresJointly: jointly)
        var random = RandomStream(seed: 1)
        let real = try Self.tensor(Self.realPoints), fake = try Self.tensor(Self.fakePoints)
        let d = try objective.discriminatorLoss(critic, real: real, generated: fake, random: &random).scalar
        let g = try objective.generatorLoss(critic, real: real, generated: fake, random: &random).scalar
        let expectedD = Self.realPoints.map { Self.softplus(-Self.score($0)) }.reduce(0, +) / 3
            + Self.fakePoints.map { Self.softplus(Self.score($0)) }.reduce(0, +) / 3
        let expectedG = Self.fakePoints.map { Self.softplus(-Self.score($0)) }.reduce(0, +) / 3
        #expect(abs(Double(d) - expectedD) < 1e-5)
        #expect(abs(Double(g) - expectedG) < 1e-5)
    }

    /// One pass over 2B rows gives the per-batch scores of two passes, and the same gradients.
    @Test func jointScoringMatchesSeparateScoringForAPerSampleNetwork() throws {
        var random = RandomStream(seed: 2)
        let critic = try Sequential {
            try Linear(inputFeatures: 2, outputFeatures: 16, random: &random)
            ReLU()
            try Linear(inputFeatures: 16, outputFeatures: 1, random: &random)
        }
        let real = random.normal([8, 2]), fake = random.normal([8, 2])
        let (separate, separateGradients) = try valueAndGradient(of: critic) {
            try NonSaturatingObjective().discriminatorLoss(critic, real: real, generated: fake, random: &random)
        }
        let (joint, jointGradients) = try valueAndGradient(of: critic) {
            try NonSaturatingObjective(scoresJointly: true).discriminatorLoss(critic, real: real, generated: fake,
                                                                              random: &random)
        }
        #expect(abs(separate.scalar - joint.scalar) < 1e-6)
        for path in separateGradients.paths {
            let a = separateGradients[path]!.scalars, b = jointGradients[path]!.scalars
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "gradient of \(path)")
        }
    }

    @Test func mixupRegressesTheInterpolationWeight() throws {
        let critic = try Self.linearCritic()
        let objective = try MixupObjective(alpha: 0.7)
        var random = RandomStream(seed: 3), replay = random
        let real = try Self.tensor(Self.realPoints), fake = try Self.tensor(Self.fakePoints)
        let loss = try objective.discriminatorLoss(critic, real: real, generated: fake, random: &random).scalar
        var expected = 0.0
        for (x, y) in zip(Self.realPoints, Self.fakePoints) {
            let lambda = Double(try replay.beta(0.7, 0.7))
            let mixed = (lambda * x.0 + (1 - lambda) * y.0, lambda * x.1 + (1 - lambda) * y.1)
            let p = 1 / (1 + exp(-Self.score(mixed)))
            expected += lambda * log(lambda / p) + (1 - lambda) * log((1 - lambda) / (1 - p))
        }
        #expect(abs(Double(loss) - expected / 3) < 1e-4)
        #expect(throws: TensorError.self) { try MixupObjective(alpha: 0) }
    }

    @Test(arguments: [false, true])
    func mixedBatchLossIsTheBatchKLOfTheDrawnBatch(reuse: Bool) throws {
        let critic = try Self.linearCritic()
        let prior = try BatchSmoothingPrior(gamma: 0.3)
        let objective = MixedBatchObjective(prior: prior, placement: .mbgan, reusesComplement: reuse)
        var random = RandomStream(seed: 4), replay = random
        let real = try Self.tensor(Self.realPoints), fake = try Self.tensor(Self.fakePoints)
        let loss = try objective.discriminatorLoss(critic, real: real, generated: fake, random: &random).scalar
        let (batch, complement) = try MixedBatch.draw(real: real, generated: fake, prior: prior, random: &replay)
        let batchLoss = BatchDiscriminatorLoss(placement: .mbgan)
        var expected = try batchLoss.discriminatorLoss(logits: critic(batch.samples), realFraction: batch.realFraction).scalar
        if reuse {
            expected += try batchLoss.discriminatorLoss(logits: critic(complement.samples),
                                                        realFraction: complement.realFraction).scalar
            expected /= 2
        }
        #expect(abs(loss - expected) < 1e-6)
    }

    /// The generator's gradient reaches exactly the generated rows that the mixing kept.
    @Test func mixedBatchGeneratorGradientReachesOnlyTheKeptGeneratedRows() throws {
        var random = RandomStream(seed: 5)
        let critic = try Sequential {
            try Linear(inputFeatures: 2, outputFeatures: 8, random: &random)
            ReLU()
            try Linear(inputFeatures: 8, outputFeatures: 1, random: &random)
        }
        let prior = try BetaPrior(a: 1, b: 1)
        let objective = MixedBatchObjective(prior: prior)
        for seed in 0..<10 as Range<UInt64> {
            var draws = RandomStream(seed: seed), replay = draws
            let real = random.normal([16, 2]), fake = random.normal([16, 2]).requiringGradient()
            let loss = try objective.generatorLoss(critic, real: real, generated: fake, random: &draws)
            let gradient = try gradients(of: loss, wrt: [fake])[0]
            let (batch, _) = try MixedBatch.draw(real: real, generated: fake, prior: prior, random: &replay)
            for row in 0..<16 {
                let norm = abs(gradient.scalars[2 * row]) + abs(gradient.scalars[2 * row + 1])
                if batch.isReal.scalars[row] == 1 { #expect(norm == 0) }
            }
            #expect(loss.scalar.isFinite)
        }
    }

    /// For a linear critic the input gradient is w everywhere, so the penalty is (‖w‖ − 1)².
    @Test func wassersteinPenaltyOfALinearCritic() throws {
        let critic = try Self.linearCritic()
        let objective = try WassersteinGPObjective(penaltyWeight: 10)
        var random = RandomStream(seed: 6)
        let real = try Self.tensor(Self.realPoints), fake = try Self.tensor(Self.fakePoints)
        let loss = try objective.discriminatorLoss(critic, real: real, generated: fake, random: &random).scalar
        let wasserstein = Self.fakePoints.map(Self.score).reduce(0, +) / 3 - Self.realPoints.map(Self.score).reduce(0, +) / 3
        let norm = (0.25 + 1.0).squareRoot()
        #expect(abs(Double(loss) - (wasserstein + 10 * (norm - 1) * (norm - 1))) < 1e-4)
        let g = try objective.generatorLoss(critic, real: real, generated: fake, random: &random).scalar
        #expect(abs(Double(g) + Self.fakePoints.map(Self.score).reduce(0, +) / 3) < 1e-5)
    }

    /// GAN-GP: the non-saturating losses plus λ(‖w‖ − 1)² for a linear critic; the generator's
    /// loss is the base objective's, untouched.
    @Test func gradientPenaltyAddsToTheBaseDiscriminatorLossOnly() throws {
        let critic = try Self.linearCritic()
        let base = NonSaturatingObjective()
        let objective = try GradientPenaltyObjective(base: base, penaltyWeight: 10)
        let real = try Self.tensor(Self.realPoints), fake = try Self.tensor(Self.fakePoints)
        var random = RandomStream(seed: 6), unused = RandomStream(seed: 6)
        let loss = try objective.discriminatorLoss(critic, real: real, generated: fake, random: &random).scalar
        let plain = try base.discriminatorLoss(critic, real: real, generated: fake, random: &unused).scalar
        let norm = (0.25 + 1.0).squareRoot()
        #expect(abs(Double(loss - plain) - 10 * (norm - 1) * (norm - 1)) < 1e-4)
        let g = try objective.generatorLoss(critic, real: real, generated: fake, random: &random).scalar
        #expect(g == (try base.generatorLoss(critic, real: real, generated: fake, random: &unused).scalar))
        #expect(throws: TensorError.self) { try GradientPenaltyObjective(base: base, penaltyWeight: -1) }
        #expect(try AdversarialMethod.ganGP.makeObjective() is GradientPenaltyObjective)
    }

    /// The penalty's gradient in the critic's weights (a second-order derivative) matches
    /// finite differences.
    @Test func gradientPenaltyIsDifferentiableInTheWeights() throws {
        var random = RandomStream(seed: 7)
        let hidden = try Linear(weight: random.normal([6, 2], standardDeviation: 0.7))
        let critic = Sequential([hidden, Tanh(), try Linear(weight: random.normal([1, 6], standardDeviation: 0.7))])
        let real = random.normal([5, 2]), fake = random.normal([5, 2])
        func penalty() throws -> Tensor {
            var draws = RandomStream(seed: 8)
            return try gradientPenalty(critic, real: real, generated: fake, random: &draws)
        }
        let analytic = try valueAndGradient(of: critic) { try penalty() }.gradients["layers.0.weight"]!
        let first = hidden.weight.scalars
        for i in first.indices {
            var plus = first, minus = first
            plus[i] += 1e-2
            minus[i] -= 1e-2
            hidden.weight = try Tensor(shape: [6, 2], scalars: plus)
            let up = try penalty().scalar
            hidden.weight = try Tensor(shape: [6, 2], scalars: minus)
            let down = try penalty().scalar
            let numeric = (up - down) / 2e-2
            #expect(abs(numeric - analytic.scalars[i]) < 2e-2 * max(1, abs(numeric)), "weight \(i)")
        }
        #expect(analytic.scalars.contains { $0 != 0 })
    }

    @Test func methodsPickTheirObjectives() throws {
        #expect(try AdversarialMethod.gan.makeObjective() is NonSaturatingObjective)
        #expect(try AdversarialMethod.pacgan.makeObjective() is NonSaturatingObjective)
        #expect(try AdversarialMethod.mixup.makeObjective() is MixupObjective)
        #expect(try AdversarialMethod.bgan.makeObjective() is MixedBatchObjective)
        #expect(try AdversarialMethod.wganGP.makeObjective() is WassersteinGPObjective)
        let batchAware = try AdversarialMethod.minibatchDiscrimination.makeObjective() as? NonSaturatingObjective
        #expect(batchAware?.scoresJointly == false)
        var options = ObjectiveOptions()
        options.prior = .batchSmoothing(gamma: 0.8)
        #expect(throws: TensorError.self) { try AdversarialMethod.mbgan.makeObjective(options) }
    }
}
