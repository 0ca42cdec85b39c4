import Distributions
import Foundation
import NeuralNet
import TensorCore
import Testing
import Training
import Variational

/// Small 8-bit images `[B, 1, 8, 8]`: a bright square at one of two places, plus noise.
func squares(_ count: Int, random: inout RandomStream) -> Tensor {
    Tensor(shape: [count, 1, 8, 8]) { out, _ in
        for b in 0..<count {
            let corner = random.unitUniform() < 0.5 ? 1 : 4
            for y in 0..<8 {
                for x in 0..<8 {
                    let inside = (corner..<(corner + 3)).contains(y) && (corner..<(corner + 3)).contains(x)
                    out[b * 64 + y * 8 + x] = Float(inside ? 200 + random.integer(in: 0..<50) : random.integer(in: 0..<30))
                }
            }
        }
    }
}

@Suite struct HierarchyTests {
    static func model(seed: UInt64, groups: Int = 2, flow: PosteriorFlow = .none) throws -> TopDownVAE {
        var random = RandomStream(seed: seed)
        return try TopDownVAE(imageShape: [1, 8, 8], groups: groups, features: 8, latentChannels: 4,
                              observation: DiscretizedLogisticObservation(channels: 1, logScale: 3), posteriorFlow: flow,
                              random: &random)
    }

    /// The pass has one group per stochastic layer, top first at H/2^L, each lower one at twice
    /// the resolution; samples have the image's shape.
    @Test(arguments: PosteriorFlow.allCases)
    func groupsHaveTheirResolutions(flow: PosteriorFlow) throws {
        let vae = try Self.model(seed: 1, groups: 2, flow: flow)
        var random = RandomStream(seed: 2)
        let x = squares(3, random: &random)
        let pass = try vae.pass(x, random: &random)
        #expect(pass.groups.map(\.sample.shape) == [[3, 4, 2, 2], [3, 4, 4, 4]])
        #expect(pass.groups.allSatisfy { ($0.flow != nil) == (flow == .iaf) })
        #expect(try vae.topPosteriorMean(x).shape == [3, 4, 2, 2])
        #expect(pass.reconstruction.shape == [3])
        #expect(try vae.sample(count: 2, random: &random).shape == [2, 1, 8, 8])
        #expect(throws: TrainingError.self) {
            try TopDownVAE(imageShape: [1, 28, 28], groups: 3, observation: GaussianObservation(), random: &random)
        }
    }

    /// L₁ estimates the ELBO (closed-form KLs given the groups above), L_k grows with k, and
    /// the ELBO equals reconstruction minus KL.
    @Test(arguments: PosteriorFlow.allCases)
    func theHierarchicalBoundsOrder(flow: PosteriorFlow) throws {
        let vae = try Self.model(seed: 3, flow: flow)
        var random = RandomStream(seed: 4)
        let x = try squares(1, random: &random).broadcast(to: [400, 1, 8, 8])
        let (elbo, kl) = try withoutGradient { try vae.elbo(x, random: &random) }
        // A sampled KL (through the IAF) is positive on average, not in every draw.
        #expect(flow == .iaf ? kl.mean().scalar > 0 : kl.scalars.allSatisfy { $0 > 0 })
        let bounds = try [1, 8, 64].map { k in
            Double(try withoutGradient { try vae.importanceWeightedBound(x.narrowed(axis: 0, start: 0, length: k == 1 ? 400 : 50),
                                                                          samples: k, random: &random) }.mean().scalar)
        }
        let elboMean = Double(elbo.mean().scalar)
        #expect(abs(bounds[0] - elboMean) < 0.05 * abs(elboMean), "L1 \(bounds[0]) vs ELBO \(elboMean)")
        #expect(bounds[0] < bounds[1] && bounds[1] < bounds[2], "\(bounds)")
    }

    /// Trained on the ELBO with KL warm-up and free bits, the hierarchy improves its held-out
    /// IWAE bound; the penalty keeps at least the free bits per latent channel.
    @Test(arguments: PosteriorFlow.allCases)
    func theHierarchyTrainsWithWarmupAndFreeBits(flow: PosteriorFlow) throws {
        let vae = try Self.model(seed: 5, flow: flow)
        vae.evaluationSamples = 8
        let objective = VariationalObjective(klWarmupSteps: 20, freeBits: 0.25)
        let procedure = try TrainingProcedure(
            players: [vae.boundPlayer(optimizer: OptimizerSettings(optimizer: .adamax, learningRate: 2e-3), objective: objective)],
            batchSize: 32, seed: 0, streams: ["posterior"]) { count, random in try Batch(inputs: squares(count, random: &random)) }
        var test = RandomStream(seed: 6)
        let held = squares(64, random: &test)
        let before = try vae.logLikelihood(held).mean().scalar
        for _ in 0..<60 { try procedure.trainIteration() }
        let after = try vae.logLikelihood(held).mean().scalar
        #expect(after > before + 20, "IWAE-8 bound \(before) → \(after)")
        // Every entropy-free bound is ≤ 0 for a discrete model: ln P(x) ≤ 0.
        #expect(after < 0)
        var random = RandomStream(seed: 7)
        let groups = try vae.pass(held, random: &random).groups
        let penalty = try objective.klPenalty(groups, step: 1_000).scalar
        #expect(penalty >= 0.25 * Float(2 * 4) - 1e-4)
        #expect(try objective.klPenalty(groups, step: 0).scalar == 0)
        #expect(throws: TrainingError.self) { try VariationalObjective(importanceSamples: 5, freeBits: 1).validate() }
    }

    /// Through an IAF posterior the ELBO's KL is sampled: for one sample it is exactly the
    /// importance weight's `ln q − ln p`, so L₁ and the ELBO agree draw for draw; the flow's
    /// parameters get gradients from the bound.
    @Test func anIAFPosteriorsKLIsTheSampledLogRatio() throws {
        let vae = try Self.model(seed: 8, flow: .iaf)
        var random = RandomStream(seed: 9)
        let x = squares(6, random: &random)
        var first = RandomStream(seed: 10), second = RandomStream(seed: 10)
        let (elbo, _) = try withoutGradient { try vae.elbo(x, random: &first) }
        let weights = try withoutGradient { try vae.logWeights(x, samples: 1, random: &second) }
        #expect(zip(elbo.scalars, weights.scalars).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($0)) },
                "\(elbo.scalars) vs \(weights.scalars)")
        let (_, gradients) = try valueAndGradient(of: vae) { try -vae.elbo(x, random: &random).elbo.mean() }
        let flowGradients = gradients.paths.filter { $0.hasPrefix("posteriorSteps.") }
        #expect(flowGradients.count == vae.namedParameters.filter { $0.path.hasPrefix("posteriorSteps.") }.count)
        #expect(flowGradients.contains { gradients[$0]!.scalars.contains { $0 != 0 } })
    }
}
