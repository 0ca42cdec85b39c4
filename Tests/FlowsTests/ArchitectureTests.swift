import Flows
import Foundation
import NeuralNet
import TensorCore
import Testing

/// Adds Gaussian noise of `scale` to every parameter, so that zero-initialised output layers
/// and unit batch-norm gains do not make a freshly built flow the identity.
func perturbParameters(of module: Module, scale: Float, random: inout RandomStream) {
    for (_, parameter) in module.namedParameters {
        let noise = random.normal(parameter.shape, standardDeviation: scale).scalars
        parameter.update { values, count in for i in 0..<count { values[i] += noise[i] } }
    }
}

/// Runs one training-mode pass (batch-norm running statistics move off their initial values),
/// then switches to evaluation mode, where every bijection is a function of its row alone.
func settle(_ bijection: any Bijection, on x: Tensor) throws {
    bijection.train()
    for _ in 0..<20 { _ = try bijection.forward(x) }
    bijection.eval()
}

func expectInvertsAndMatchesItsJacobian(_ name: String, _ bijection: any Bijection, at x: Tensor,
                                        inverseTolerance: Float = 1e-4) throws {
    let (y, logDeterminant) = try bijection.forward(x)
    #expect(y.shape == x.shape, "\(name): shape \(y.shape)")
    let error = zip(try bijection.inverse(y).scalars, x.scalars).map { abs($0 - $1) }.max()!
    #expect(error < inverseTolerance, "\(name): inverse error \(error)")
    let row = try x.narrowed(axis: 0, start: 0, length: 1)
    let expected = try bruteForceLogDeterminant({ try bijection.forward($0).output }, at: row)
    #expect(abs(Double(logDeterminant.scalars[0]) - expected) < 2e-3 * max(1, abs(expected)),
            "\(name): ln|det J| \(logDeterminant.scalars[0]), brute force \(expected)")
}

@Suite struct ArchitectureTests {
    /// Batch normalisation (evaluation mode), the factor-out, an inverted squeeze and a
    /// coupling on a weight-normalised residual network: exact inverses, brute-force Jacobians.
    @Test(arguments: [UInt64(1), 2])
    func multiScalePiecesInvertAndMatchTheirJacobians(seed: UInt64) throws {
        var random = RandomStream(seed: seed)
        let x = random.normal([4, 2, 4, 4], mean: 0.5, standardDeviation: 1.5)
        let batchNorm = try BatchNormalization(channels: 2)
        let residual = AffineCoupling(network: try ResidualNetwork(inputChannels: 2, outputChannels: 4, features: 3, blocks: 1,
                                                                   random: &random), mask: .checkerboard(parity: 1))
        let factorOut = FactorOut(rest: AffineCoupling(network: try convolutionalNetwork(1, 2, random: &random),
                                                       mask: .checkerboard(parity: 0)))
        let squeezed = BijectionSequence([Squeeze(), AffineCoupling(network: try convolutionalNetwork(8, 16, random: &random),
                                                                   mask: .channel(parity: 0)), Inverted(Squeeze())])
        let inverted = Inverted(AffineCoupling(network: try convolutionalNetwork(2, 4, random: &random), mask: .channel(parity: 1)))
        let pieces: [(String, any Bijection)] = [("batch norm", batchNorm), ("residual coupling", residual),
                                                 ("factor-out", factorOut), ("squeeze, coupling, unsqueeze", squeezed),
                                                 ("inverted coupling", inverted)]
        for (name, piece) in pieces {
            perturbParameters(of: piece, scale: 0.3, random: &random)
            try settle(piece, on: x)
            try expectInvertsAndMatchesItsJacobian(name, piece, at: x)
        }
    }

    /// Whole NICE and Real-NVP stacks, over shapes and seeds: exact inverses and brute-force
    /// Jacobians on small inputs.
    @Test(arguments: [UInt64(3), 4])
    func wholeStacksInvertAndMatchTheirJacobians(seed: UInt64) throws {
        var random = RandomStream(seed: seed)
        let nice = try FlowArchitectures.nice(dimension: 12, couplings: 4, hiddenLayers: 2, hiddenUnits: 16, random: &random)
        perturbParameters(of: nice, scale: 0.2, random: &random)
        try expectInvertsAndMatchesItsJacobian("NICE", nice.flow, at: random.normal([3, 12]))
        let shapes: [([Int], FlowArchitectures.RealNVPShape)] = [
            ([1, 8, 8], .init(scales: 2, residualBlocks: 1, features: 4)),
            ([3, 4, 4], .init(scales: 2, residualBlocks: 2, features: 4, finalCouplings: 3)),
            ([2, 4, 4], .init(scales: 1, residualBlocks: 0, features: 3, finalCouplings: 3, normalization: .none)),
        ]
        for (imageShape, shape) in shapes {
            let density = try FlowArchitectures.realNVP(imageShape: imageShape, shape: shape, random: &random)
            perturbParameters(of: density, scale: 0.05, random: &random)
            let x = random.uniform([4] + imageShape)
            try settle(density.flow, on: x)
            try expectInvertsAndMatchesItsJacobian("Real-NVP \(imageShape) \(shape)", density.flow, at: x, inverseTolerance: 1e-3)
        }
    }

    /// A fresh Real-NVP is the identity up to batch normalisation: its couplings' output
    /// convolutions start at gain 0.
    @Test func aFreshRealNVPStartsFromItsBatchNormalisation() throws {
        var random = RandomStream(seed: 5)
        let density = try FlowArchitectures.realNVP(imageShape: [1, 8, 8], shape: .init(normalization: .none), random: &random)
        let x = random.uniform([2, 1, 8, 8])
        let (y, logDeterminant) = try density.flow.forward(x)
        #expect(y.scalars == x.scalars)
        #expect(logDeterminant.scalars == [0, 0])
    }

    /// The published sizes: NICE's MNIST model has four MLPs of five 1000-unit hidden layers.
    @Test func theBuildersHaveThePublishedSizes() throws {
        var random = RandomStream(seed: 6)
        let nice = try FlowArchitectures.nice(dimension: 784, random: &random)
        let mlp = 784 * 1000 + 1000 + 4 * (1000 * 1000 + 1000) + 1000 * 784 + 784
        #expect(nice.parameterCount == 4 * mlp + 784)
        let realNVP = try FlowArchitectures.realNVP(imageShape: [3, 32, 32], shape: .init(scales: 4), random: &random)
        #expect(try realNVP.sample(count: 2, random: &random).shape == [2, 3, 32, 32])
    }

    @Test func impossibleArchitecturesAreNamed() throws {
        var random = RandomStream(seed: 7)
        #expect(throws: TensorError.self) {
            try FlowArchitectures.realNVP(imageShape: [1, 28, 28], shape: .init(scales: 4), random: &random)
        }
        #expect(throws: TensorError.self) { try FlowArchitectures.nice(dimension: 1, random: &random) }
        #expect(throws: TensorError.self) { try BatchNormalization(channels: 0) }
        #expect(throws: TensorError.self) { try BatchNormalization(channels: 2).forward(Tensor.zeros([1, 2])) }
    }
}

/// Batch normalisation keeps its running statistics through a checkpoint: the loaded copy
/// gives the same test likelihood in evaluation mode.
@Test func batchNormalizationSurvivesACheckpointRoundTrip() throws {
    var random = RandomStream(seed: 8)
    func model() throws -> FlowDensity {
        FlowDensity(flow: BijectionSequence([try BatchNormalization(channels: 3)]), rowShape: [3])
    }
    let density = try model()
    for _ in 0..<30 { _ = try density.logLikelihood(random.normal([64, 3], mean: 4, standardDeviation: 2)) }
    density.eval()
    let test = random.normal([16, 3], mean: 4, standardDeviation: 2)
    let before = try density.logLikelihood(test).scalars
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("batchnorm-\(UUID().uuidString).h5").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(to: path, step: 0, modules: ["flow": density])
    let copy = try model()
    try Checkpoint.restore(from: path, modules: ["flow": copy])
    copy.eval()
    #expect(try copy.logLikelihood(test).scalars == before)
    // Evaluation-mode likelihoods do not depend on the rest of the batch.
    let alone = try copy.logLikelihood(test.narrowed(axis: 0, start: 0, length: 1)).scalars[0]
    #expect(alone == before[0])
}
