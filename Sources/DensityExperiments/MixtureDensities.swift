import Datasets
import Distributions
import Flows
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// A flow fitted by maximum likelihood to each 2D mixture of chapter 4, its test NLL beside
/// the mixture's differential entropy H(p) = −E_p[ln p(x)] — the least NLL any model can
/// have in expectation (NLL = H(p) + KL(p ‖ model)).
///
/// The entropy is estimated by Monte Carlo with the mixture's exact density
/// (`GaussianMixtureDensity` at the true means, σ and equal weights) on `entropySamples`
/// draws, with its standard error; for well-separated modes it is close to
/// `ln K + ln(2πe σ²)`, given beside it.
public enum MixtureDensities {
    public struct Settings: Sendable {
        public var iterations = 4_000
        public var batchSize = 256
        public var couplings = 8
        public var hiddenUnits = 64
        public var learningRate: Float = 1e-3
        public var testSamples = 20_000
        public var entropySamples = 400_000
        public var seed: UInt64 = 0
        public init() {}
    }

    /// An affine-coupling flow on `[B, 2]` (alternating masks, MLP `2 → h → h → 4`, ReLU),
    /// with ActNorm first, under a standard Gaussian prior.
    public static func flow(_ settings: Settings, random: inout RandomStream) throws -> FlowDensity {
        var steps: [any Bijection] = [ActNorm(channels: 2)]
        for index in 0..<settings.couplings {
            let network = try Sequential.perceptron(inputSize: 2, hiddenSizes: [settings.hiddenUnits, settings.hiddenUnits],
                                                    outputSize: 4, random: &random)
            steps.append(AffineCoupling(network: network, mask: .alternating(parity: index % 2), scaleBound: 3))
        }
        return FlowDensity(flow: BijectionSequence(steps), prior: .gaussian, rowShape: [2])
    }

    /// `(mean, standard error)` of −ln p over `count` draws from `mixture`, in chunks.
    public static func entropy(of mixture: GaussianMixture2D, samples count: Int, seed: UInt64) throws -> (Double, Double) {
        let exact = try exactDensity(of: mixture)
        var random = RandomStream(seed: seed).split("entropy-\(mixture.name)")
        var values: [Double] = []
        try withoutGradient {
            for start in stride(from: 0, to: count, by: 10_000) {
                let points = try mixture.sample(count: min(10_000, count - start), random: &random)
                values += try exact.logLikelihood(points).scalars.map { -Double($0) }
            }
        }
        return meanAndStandardError(values)
    }

    /// The mixture's own density: its centres, σ and equal weights.
    public static func exactDensity(of mixture: GaussianMixture2D) throws -> GaussianMixtureDensity {
        var unused = RandomStream(seed: 0)
        let density = try GaussianMixtureDensity(components: mixture.modeCount, dimensions: 2, random: &unused)
        density.means = mixture.centers
        density.logStd = Tensor(repeating: Foundation.log(mixture.standardDeviation), shape: [mixture.modeCount, 2])
        return density
    }

    /// Trains one flow per preset mixture and returns the table: mixture, modes, σ, entropy
    /// (Monte Carlo ± standard error, and the separated-modes value), the flow's test NLL ±
    /// standard error, the gap, seconds.
    public static func table(_ settings: Settings, mixtures: [String] = GaussianMixture2D.presetNames,
                             progress: (String) -> Void = { _ in }) throws -> Table {
        var table = try Table(columns: ["mixture", "modes", "sigma", "entropy_nats", "entropy_se", "entropy_separated",
                                        "flow_test_nll", "flow_test_nll_se", "gap_nats", "iterations", "seconds"])
        for name in mixtures {
            let mixture = try GaussianMixture2D.named(name)
            let (entropy, entropyError) = try self.entropy(of: mixture, samples: settings.entropySamples, seed: settings.seed)
            let sigma = Double(mixture.standardDeviation)
            let separated = Foundation.log(Double(mixture.modeCount)) + Foundation.log(2 * Double.pi * M_E * sigma * sigma)
            var random = RandomStream(seed: settings.seed).split("flow-init-\(name)")
            let density = try flow(settings, random: &random)
            var options = OptimizerSettings(learningRate: settings.learningRate)
            options.gradientClipNorm = 100
            let player = try Player(name: "flow", module: density, optimizer: options.makeOptimizer(for: density),
                                    options: options.playerOptions) { batch, _ in
                PlayerLoss(try -density.logLikelihood(batch.inputs).mean())
            }
            let procedure = try TrainingProcedure(players: [player], batchSize: settings.batchSize, seed: settings.seed) { count, random in
                try mixture.sampleBatch(count: count, random: &random)
            }
            let clock = ContinuousClock(), start = clock.now
            for _ in 0..<settings.iterations { try procedure.trainIteration() }
            let seconds = (clock.now - start).seconds
            var test = RandomStream(seed: settings.seed).split("test-\(name)")
            let points = try mixture.sample(count: settings.testSamples, random: &test)
            let nll = try withoutGradient { try density.logLikelihood(points) }.scalars.map { -Double($0) }
            let (meanNLL, nllError) = meanAndStandardError(nll)
            try table.append([.text(name), .integer(mixture.modeCount), .number(sigma), .number(entropy), .number(entropyError),
                              .number(separated), .number(meanNLL), .number(nllError), .number(meanNLL - entropy),
                              .integer(settings.iterations), .number(seconds)])
            progress("\(name): entropy \(entropy), flow test NLL \(meanNLL)")
        }
        return table
    }

    static func meanAndStandardError(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count - 1))
        return (mean, (variance / Double(values.count)).squareRoot())
    }
}
