import Distributions
import Flows
import Foundation
import NeuralNet
import TensorCore
import Testing
import Training

/// ln |det J| of `f` at one row `x` `[1, …]`, from the full Jacobian computed by autodiff
/// (one backward pass per output) and Gaussian elimination in Float64.
func bruteForceLogDeterminant(_ f: (Tensor) throws -> Tensor, at x: Tensor) throws -> Double {
    let input = x.detached.requiringGradient()
    let output = try f(input)
    let n = x.count
    var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
        let seed = Tensor(shape: output.shape) { out, count in
            out.initialize(repeating: 0, count: count)
            out[i] = 1
        }
        let row = try gradients(of: output, wrt: [input], seed: seed)[0].scalars
        for j in 0..<n { matrix[i][j] = Double(row[j]) }
    }
    var logDeterminant = 0.0
    for column in 0..<n {
        let pivot = (column..<n).max { abs(matrix[$0][column]) < abs(matrix[$1][column]) }!
        matrix.swapAt(column, pivot)
        let value = matrix[column][column]
        logDeterminant += log(abs(value))
        for row in (column + 1)..<n where row < n {
            let factor = matrix[row][column] / value
            for k in column..<n { matrix[row][k] -= factor * matrix[column][k] }
        }
    }
    return logDeterminant
}

/// A small dense network `[B, D] -> [B, outputs]` with weights large enough to matter.
func network(_ inputs: Int, _ outputs: Int, random: inout RandomStream) throws -> Sequential {
    try Sequential {
        try Linear(inputFeatures: inputs, outputFeatures: 8, random: &random)
        Tanh()
        try Linear(inputFeatures: 8, outputFeatures: outputs, random: &random)
    }
}

/// A small convolutional network `[B, C, H, W] -> [B, outputs, H, W]`.
func convolutionalNetwork(_ channels: Int, _ outputs: Int, random: inout RandomStream) throws -> Sequential {
    try Sequential {
        try Conv2D(inputChannels: channels, outputChannels: 4, kernelSize: 3, padding: 1, random: &random)
        Tanh()
        try Conv2D(inputChannels: 4, outputChannels: outputs, kernelSize: 3, padding: 1, random: &random)
    }
}

@Suite struct FlowTests {
    /// Every bijection, on vectors and on images: exact inverse, and ln |det J| equal to the
    /// brute-force log-determinant of the full Jacobian.
    static func vectorBijections(seed: UInt64) throws -> [(String, any Bijection)] {
        var random = RandomStream(seed: seed)
        let scaling = DiagonalScaling(rowShape: [4])
        scaling.logScale = random.normal([1, 4])
        return [
            ("additive", AdditiveCoupling(shift: try network(4, 4, random: &random), mask: .alternating(parity: 0))),
            ("affine", AffineCoupling(network: try network(4, 8, random: &random), mask: .alternating(parity: 1))),
            ("scaling", scaling),
            ("actnorm", ActNorm(channels: 4)),
        ]
    }

    static func imageBijections(seed: UInt64) throws -> [(String, any Bijection)] {
        var random = RandomStream(seed: seed)
        return [
            ("checkerboard", AffineCoupling(network: try convolutionalNetwork(2, 4, random: &random), mask: .checkerboard(parity: 0))),
            ("channel", AffineCoupling(network: try convolutionalNetwork(2, 4, random: &random), mask: .channel(parity: 1))),
            ("squeeze", Squeeze()),
            ("actnorm", ActNorm(channels: 2)),
        ]
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func everyBijectionInvertsAndMatchesItsJacobian(seed: UInt64) throws {
        var random = RandomStream(seed: seed + 100)
        for (rowShape, bijections) in [([4], try Self.vectorBijections(seed: seed)), ([2, 4, 4], try Self.imageBijections(seed: seed))] {
            let x = random.normal([3] + rowShape, standardDeviation: 1.5)
            for (name, bijection) in bijections {
                let (y, logDeterminant) = try bijection.forward(x)  // ActNorm initialises here
                let back = try bijection.inverse(y)
                let error = zip(back.scalars, x.scalars).map { abs($0 - $1) }.max()!
                #expect(error < 1e-4, "\(name): inverse error \(error)")
                let row = try x.narrowed(axis: 0, start: 0, length: 1)
                let expected = try bruteForceLogDeterminant({ try bijection.forward($0).output }, at: row)
                #expect(abs(Double(logDeterminant.scalars[0]) - expected) < 1e-3 * max(1, abs(expected)),
                        "\(name): ln|det J| \(logDeterminant.scalars[0]), brute force \(expected)")
            }
        }
    }

    /// A stack of couplings, scalings and ActNorm inverts as a whole and adds the determinants.
    @Test func aStackInvertsAndAddsItsDeterminants() throws {
        var random = RandomStream(seed: 9)
        let steps: [any Bijection] = try (0..<4).map { i in
            AffineCoupling(network: try network(4, 8, random: &random), mask: .alternating(parity: i % 2))
        } + [ActNorm(channels: 4), DiagonalScaling(rowShape: [4])]
        let stack = BijectionSequence(steps)
        let x = random.normal([5, 4])
        let (y, logDeterminant) = try stack.forward(x)
        #expect(zip(try stack.inverse(y).scalars, x.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
        let expected = try bruteForceLogDeterminant({ try stack.forward($0).output }, at: x.narrowed(axis: 0, start: 0, length: 1))
        #expect(abs(Double(logDeterminant.scalars[0]) - expected) < 1e-3)
    }

    /// A 2-D flow's density integrates to one on a fine grid.
    @Test(arguments: [FlowDensity.Prior.gaussian, .logistic])
    func aTwoDimensionalFlowDensityIntegratesToOne(prior: FlowDensity.Prior) throws {
        var random = RandomStream(seed: 11)
        let steps: [any Bijection] = try (0..<3).map { i in
            AffineCoupling(network: try network(2, 4, random: &random), mask: .alternating(parity: i % 2), scaleBound: 1)
        }
        let density = FlowDensity(flow: BijectionSequence(steps), prior: prior, rowShape: [2])
        let steps1D = 500, low: Float = -14, width: Float = 28
        let h = width / Float(steps1D)
        let grid = Tensor(shape: [steps1D * steps1D, 2]) { out, _ in
            for i in 0..<steps1D {
                for j in 0..<steps1D {
                    out[2 * (i * steps1D + j)] = low + (Float(i) + 0.5) * h
                    out[2 * (i * steps1D + j) + 1] = low + (Float(j) + 0.5) * h
                }
            }
        }
        let total = try withoutGradient { try exp(density.logLikelihood(grid)) }.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(abs(total * Double(h * h) - 1) < 2e-3)
        #expect(try density.sample(count: 10, random: &random).shape == [10, 2])
    }

    /// A 1-D flow (ActNorm initialised on skewed data, then a learned scaling) under either
    /// prior integrates to one on a fine grid.
    @Test(arguments: [FlowDensity.Prior.gaussian, .logistic])
    func aOneDimensionalFlowDensityIntegratesToOne(prior: FlowDensity.Prior) throws {
        var random = RandomStream(seed: 14)
        let scaling = DiagonalScaling(rowShape: [1])
        scaling.logScale = try Tensor(shape: [1, 1], scalars: [0.7])
        let density = FlowDensity(flow: BijectionSequence([ActNorm(channels: 1), scaling]), prior: prior, rowShape: [1])
        _ = try density.logLikelihood(random.normal([256, 1], mean: 3, standardDeviation: 2))
        let steps = 40_000, low: Float = -60, width: Float = 120
        let h = width / Float(steps)
        let grid = Tensor(shape: [steps, 1]) { out, n in for i in 0..<n { out[i] = low + (Float(i) + 0.5) * h } }
        let total = try withoutGradient { try exp(density.logLikelihood(grid)) }.scalars.reduce(0.0) { $0 + Double($1) }
        #expect(abs(total * Double(h) - 1) < 1e-3, "\(total * Double(h))")
    }

    /// ActNorm keeps its data-dependent initialisation through a checkpoint: the loaded copy
    /// gives the same test likelihood and does not initialise itself again on other data.
    @Test func actNormSurvivesACheckpointRoundTrip() throws {
        var random = RandomStream(seed: 12)
        let actNorm = ActNorm(channels: 3)
        let density = FlowDensity(flow: BijectionSequence([actNorm]), rowShape: [3])
        let train = random.normal([64, 3], mean: 5, standardDeviation: 3)
        _ = try density.logLikelihood(train)
        #expect(actNorm.isInitialized)
        let test = random.normal([16, 3], mean: 5, standardDeviation: 3)
        let before = try density.logLikelihood(test).scalars
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("actnorm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Checkpoint.save(to: folder + "/flow.h5", step: 0, modules: ["flow": density])
        let loaded = ActNorm(channels: 3)
        let copy = FlowDensity(flow: BijectionSequence([loaded]), rowShape: [3])
        try Checkpoint.restore(from: folder + "/flow.h5", modules: ["flow": copy])
        #expect(loaded.isInitialized)
        #expect(try copy.logLikelihood(test).scalars == before)
    }

    /// Trained by maximum likelihood as a one-player procedure, a flow fits a two-moded 2D
    /// mixture better than its initial state and samples stay finite.
    @Test func aFlowTrainsAsAOnePlayerProcedure() throws {
        var random = RandomStream(seed: 13)
        let steps: [any Bijection] = try (0..<4).map { i in
            AffineCoupling(network: try network(2, 4, random: &random), mask: .alternating(parity: i % 2))
        }
        let density = FlowDensity(flow: BijectionSequence(steps), rowShape: [2])
        let player = try Player(name: "flow", module: density, optimizer: Adam(for: density, learningRate: 5e-3),
                                options: PlayerOptions(gradientClipNorm: 50)) { batch, _ in
            PlayerLoss(try -density.logLikelihood(batch.inputs).mean())
        }
        let data: BatchSource = { count, random in
            let signs = (0..<count).map { _ in random.unitUniform() < 0.5 ? Float(-2) : 2 }
            return try Batch(inputs: random.normal([count, 2], standardDeviation: 0.4)
                             + Tensor(shape: [count, 2], scalars: signs.flatMap { [$0, 0] }))
        }
        let procedure = try TrainingProcedure(players: [player], batchSize: 128, seed: 0, data: data)
        var test = RandomStream(seed: 77)
        let held = try data(2_000, &test).inputs
        let before = try -density.logLikelihood(held).mean().scalar
        for _ in 0..<150 { try procedure.trainIteration() }
        let after = try -density.logLikelihood(held).mean().scalar
        #expect(after < before - 0.5)
        // Above the data's entropy: two components 10σ apart, σ = 0.4 in 2-D, H = ln 2 + ln(2πe·0.16) ≈ 1.698.
        #expect(Double(after) > log(2) + log(2 * Double.pi * exp(1) * 0.16) - 0.05)
        #expect(try density.sample(count: 100, random: &random).scalars.allSatisfy { $0.isFinite })
    }

    @Test func badShapesAreNamed() throws {
        #expect(throws: TensorError.self) { try CouplingMask.channel(parity: 0).tensor(rowShape: [3, 4, 4]) }
        #expect(throws: TensorError.self) { try Squeeze().forward(Tensor.zeros([1, 1, 3, 4])) }
        #expect(throws: TensorError.self) { try ActNorm(channels: 2).forward(Tensor.zeros([1, 3])) }
    }
}
