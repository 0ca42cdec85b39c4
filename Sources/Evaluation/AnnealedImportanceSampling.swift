import Foundation
import NeuralNet
import TensorCore

/// A generator seen as a decoder with Gaussian observation noise, the model whose likelihood
/// AIS estimates (Wu et al. 2017; spec §7.8):
///
///     p(x) = ∫ p(z) N(x; G(z), σ²I) dz
///
/// All three closures work on batches of rows: latents `[B, d]`, images `[B, D]`; `logPrior`
/// and `generate` must be differentiable (HMC follows their gradients).
public struct GaussianDecoder {
    public var latentDimension: Int
    /// σ of the observation model.
    public var noise: Double
    public var samplePrior: (_ count: Int, _ random: inout RandomStream) throws -> Tensor
    /// `ln p(z)` per row, `[B]`.
    public var logPrior: (Tensor) throws -> Tensor
    /// `G(z)`, `[B, D]`.
    public var generate: (Tensor) throws -> Tensor

    public init(latentDimension: Int, noise: Double, samplePrior: @escaping (Int, inout RandomStream) throws -> Tensor,
                logPrior: @escaping (Tensor) throws -> Tensor, generate: @escaping (Tensor) throws -> Tensor) {
        self.latentDimension = latentDimension
        self.noise = noise
        self.samplePrior = samplePrior
        self.logPrior = logPrior
        self.generate = generate
    }

    /// `ln N(x; G(z), σ²I)` per row for images `x` `[B, D]`: `[B]`, differentiable in z.
    func logObservation(_ x: Tensor, latents z: Tensor) throws -> Tensor {
        let dimensions = Double(x.shape[1])
        let squared = try square(x - generate(z)).sum(alongAxes: [1])
        return squared * Float(-0.5 / (noise * noise)) - Float(0.5 * dimensions * log(2 * Double.pi * noise * noise))
    }
}

/// Annealed importance sampling (Neal 2001) of `ln p(x)` for a `GaussianDecoder`, as Wu et al.
/// (2017) evaluate decoder-based generators and Flow-GAN's Table 3 compares with the exact
/// likelihood: chains start at prior draws and move through the geometric path
///
///     f_t(z) = p(z) · N(x; G(z), σ²I)^{β_t},   0 = β_0 < β_1 < … < β_T = 1
///
/// (a sigmoid schedule), by one Hamiltonian Monte Carlo transition per step (`leapfrogSteps`
/// leapfrog steps; one step size, adapted towards `targetAcceptance`), accumulating the log
/// weights `Σ_t (β_t − β_{t−1}) ln N(x; G(z_{t−1}), σ²I)`. The estimate of p(x) is the mean of
/// the chains' weights — unbiased, so `ln` of it is a stochastic lower bound on ln p(x) that
/// tightens as `steps` grows.
public struct AnnealedImportanceSampling: Codable, Equatable, Sendable {
    /// T, the intermediate distributions.
    public var steps: Int
    /// Independent chains per image.
    public var chains: Int
    public var leapfrogSteps: Int
    public var initialStepSize: Double
    public var targetAcceptance: Double

    public init(steps: Int = 200, chains: Int = 8, leapfrogSteps: Int = 5, initialStepSize: Double = 0.05,
                targetAcceptance: Double = 0.65) {
        self.steps = steps
        self.chains = chains
        self.leapfrogSteps = leapfrogSteps
        self.initialStepSize = initialStepSize
        self.targetAcceptance = targetAcceptance
    }

    /// `β_t` for t = 0…T: a logistic curve over [−4, 4] rescaled to run exactly from 0 to 1
    /// (slow at both ends, where the path changes most).
    public var schedule: [Double] {
        let ends = (sigmoid(-4.0), sigmoid(4.0))
        return (0...steps).map { t in (sigmoid(-4 + 8 * Double(t) / Double(steps)) - ends.0) / (ends.1 - ends.0) }
    }

    /// The estimate of `ln p(x)` (nats) for each image of `images` `[n, D]` under `model`,
    /// with the mean HMC acceptance rate.
    public func logLikelihood(of images: Tensor, model: GaussianDecoder,
                              random: inout RandomStream) throws -> (values: [Double], acceptance: Double) {
        guard steps >= 1, chains >= 1, leapfrogSteps >= 1, initialStepSize > 0, (0..<1).contains(targetAcceptance) else {
            throw EvaluationError.invalidInput("AIS needs ≥ 1 step, chain and leapfrog step, a positive step size and an acceptance "
                                               + "target in (0, 1) (got \(self))")
        }
        guard images.rank == 2, images.shape[0] >= 1, model.noise > 0, model.noise.isFinite else {
            throw EvaluationError.invalidInput("AIS takes images [n, D] and a positive noise σ (got \(images.shape), σ = \(model.noise))")
        }
        let n = images.shape[0], rows = n * chains
        // Chains of image i are rows i·chains ..< (i + 1)·chains.
        let x = try images.indexSelect(Array((0..<n).flatMap { Array(repeating: $0, count: chains) }), axis: 0)
        var z = try model.samplePrior(rows, &random)
        var logWeights = [Double](repeating: 0, count: rows)
        var stepSize = initialStepSize
        var accepted = 0.0
        let betas = schedule
        var observation = try withoutGradient { try model.logObservation(x, latents: z).scalars }
        for t in 1...steps {
            for row in 0..<rows { logWeights[row] += (betas[t] - betas[t - 1]) * Double(observation[row]) }
            let moved = try transition(from: z, observation: observation, images: x, beta: betas[t], stepSize: stepSize,
                                       model: model, random: &random)
            (z, observation) = (moved.latents, moved.observation)
            accepted += moved.acceptance
            stepSize *= moved.acceptance > targetAcceptance ? 1.02 : 0.98
        }
        let values = (0..<n).map { image -> Double in
            let weights = logWeights[(image * chains)..<((image + 1) * chains)]
            let top = weights.max()!
            return top + log(weights.reduce(0) { $0 + exp($1 - top) } / Double(chains))
        }
        return (values, accepted / Double(steps))
    }

    /// One HMC transition leaving `f_β` invariant for every row, from latents `z` whose
    /// `ln N(x; G(z), σ²I)` is `observation`: the new latents, their observation term (the
    /// next step's weight increment, so it is not computed twice) and the fraction of rows
    /// whose proposal was accepted.
    private func transition(from z: Tensor, observation: [Float], images x: Tensor, beta: Double, stepSize: Double,
                            model: GaussianDecoder, random: inout RandomStream)
        throws -> (latents: Tensor, observation: [Float], acceptance: Double) {
        // U(z) = −ln p(z) − β ln N(x; G(z), σ²I) per row, its gradient, and the observation term.
        func energy(_ z: Tensor) throws -> (values: Tensor, gradient: Tensor, observation: Tensor) {
            let leaf = z.detached.requiringGradient()
            let observation = try model.logObservation(x, latents: leaf)
            let values = try -(model.logPrior(leaf) + observation * Float(beta))
            return (values.detached, try gradients(of: values.sum(), wrt: [leaf])[0], observation.detached)
        }
        let epsilon = Float(stepSize)
        let momentum = random.normal(z.shape)
        let start = try energy(z)
        var (position, end) = (z, start)
        var p = try momentum - start.gradient * (epsilon / 2)
        for step in 0..<leapfrogSteps {
            position = try position + p * epsilon
            end = try energy(position)
            p = try p - end.gradient * (step == leapfrogSteps - 1 ? epsilon / 2 : epsilon)
        }
        let kinetic = { (p: Tensor) throws -> [Float] in try (square(p).sum(alongAxes: [1]) * 0.5).scalars }
        let (h0, h1) = (try zip(start.values.scalars, kinetic(momentum)).map { Double($0 + $1) },
                        try zip(end.values.scalars, kinetic(p)).map { Double($0 + $1) })
        let uniforms = random.uniform([h0.count]).scalars
        let width = z.shape[1]
        var (next, nextObservation) = (z.scalars, observation)
        let (proposed, proposedObservation) = (position.scalars, end.observation.scalars)
        var accepted = 0
        for row in 0..<h0.count where h1[row].isFinite && Double(uniforms[row]) < exp(min(0, h0[row] - h1[row])) {
            next.replaceSubrange((row * width)..<((row + 1) * width), with: proposed[(row * width)..<((row + 1) * width)])
            nextObservation[row] = proposedObservation[row]
            accepted += 1
        }
        return (try Tensor(shape: z.shape, scalars: next), nextObservation, Double(accepted) / Double(h0.count))
    }
}

private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
