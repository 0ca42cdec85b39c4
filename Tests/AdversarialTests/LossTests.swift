import Adversarial
import Foundation
import TensorCore
import Testing

@Suite struct LossTests {
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    static func handKL(_ u: Double, _ v: Double) -> Double {
        let a = u > 0 ? u * log(u / v) : 0
        let b = u < 1 ? (1 - u) * log((1 - u) / (1 - v)) : 0
        return a + b
    }

    @Test(arguments: [(0.25, 0.7), (0.0, -1.3), (1.0, 2.0), (0.5, 0.0), (0.875, -12.0)] as [(Float, Float)])
    func bernoulliKLMatchesHandComputation(u: Float, logit: Float) throws {
        let kl = try bernoulliKL(target: Tensor(u), logits: Tensor(logit)).scalar
        let expected = Self.handKL(Double(u), Self.sigmoid(Double(logit)))
        #expect(abs(Double(kl) - expected) < 1e-5 * max(1, expected))
    }

    @Test func klVanishesAtTheTarget() throws {
        let u: Float = 0.375
        let logit = log(u / (1 - u))
        #expect(abs(try bernoulliKL(target: Tensor(u), logits: Tensor(logit)).scalar) < 1e-6)
    }

    /// BGAN (average logits, then KL) and M-BGAN (KL per sample, then average) agree when
    /// all outputs are equal and differ otherwise; by convexity of the KL in the logit,
    /// M-BGAN's loss is then strictly larger.
    @Test func placementsDifferExactlyWhereTheyShould() throws {
        let bgan = BatchDiscriminatorLoss(placement: .bgan(.averageLogits))
        let mbgan = BatchDiscriminatorLoss(placement: .mbgan)
        let equal = Tensor([0.4, 0.4, 0.4, 0.4])
        #expect(abs(try bgan.discriminatorLoss(logits: equal, realFraction: 0.25).scalar
                    - mbgan.discriminatorLoss(logits: equal, realFraction: 0.25).scalar) < 1e-6)
        #expect(abs(try bgan.generatorLoss(logits: equal).scalar - mbgan.generatorLoss(logits: equal).scalar) < 1e-6)
        let spread = Tensor([-2, 0.5, 1, 3])
        let b = try bgan.discriminatorLoss(logits: spread, realFraction: 0.25).scalar
        let m = try mbgan.discriminatorLoss(logits: spread, realFraction: 0.25).scalar
        #expect(m > b + 1e-3)
        // Hand values: BGAN sees the mean logit 0.625; M-BGAN averages four KLs.
        #expect(abs(Double(b) - Self.handKL(0.25, Self.sigmoid(0.625))) < 1e-5)
        let perSample = [-2.0, 0.5, 1, 3].map { Self.handKL(0.25, Self.sigmoid($0)) }
        #expect(abs(Double(m) - perSample.reduce(0, +) / 4) < 1e-5)
    }

    @Test func averagingProbabilitiesUsesTheMeanProbability() throws {
        let loss = BatchDiscriminatorLoss(placement: .bgan(.averageProbabilities))
        let logits = Tensor([-1, 2])
        let meanProbability = (Self.sigmoid(-1) + Self.sigmoid(2)) / 2
        #expect(abs(Double(try loss.discriminatorLoss(logits: logits, realFraction: 0.5).scalar)
                    - Self.handKL(0.5, meanProbability)) < 1e-5)
        #expect(abs(Double(try loss.generatorLoss(logits: logits).scalar) + log(meanProbability)) < 1e-5)
        #expect(abs(Double(try loss.prediction(logits: logits)) - meanProbability) < 1e-6)
    }

    /// The gradient in the logits equals the cross-entropy gradient σ(ℓ) − u.
    @Test func discriminatorGradientIsPredictionMinusTarget() throws {
        let loss = BatchDiscriminatorLoss(placement: .mbgan)
        let logits = Tensor([-0.5, 0.25, 1.5])
        let g = try gradient(at: logits) { try loss.discriminatorLoss(logits: $0, realFraction: 2.0 / 3) }
        for (gi, li) in zip(g.scalars, logits.scalars) {
            let expected = (Self.sigmoid(Double(li)) - 2.0 / 3) / 3
            #expect(abs(Double(gi) - expected) < 1e-6)
        }
    }

    @Test func rejectsLogitsOfTheWrongShape() {
        #expect(throws: TensorError.self) {
            try BatchDiscriminatorLoss().discriminatorLoss(logits: Tensor.zeros([4, 2]), realFraction: 0.5)
        }
    }
}
