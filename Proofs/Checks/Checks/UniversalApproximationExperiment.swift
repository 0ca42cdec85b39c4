import EquivariantLayer
import Foundation
import NeuralNet
import TensorCore

/// The two architectures the experiment compares; both end with the batch-mean reduction ρ (Eq. 4.10).
enum SetNetworkVariant: String, CaseIterable, Sendable {
    /// Γ in every layer (Eq. 4.12): the class of Theorem 1.
    case equivariant
    /// No Γ inside the network (`batchMixing: false`): `ρ(g(x_1), …, g(x_n))`, the Deep-Sets-style
    /// ablation, which can only represent averages of a per-element function.
    case deepSets = "deep-sets"

    var batchMixing: Bool { self == .equivariant }
}

/// Sizes and optimisation settings of the universal-approximation experiment (spec §3.9.2, E4.T6).
struct ApproximationSetup: Sendable {
    /// `n`, the number of elements per set (= rows of the batch through the network).
    var setSize: Int
    var targets: [SymmetricTarget]
    /// Hidden widths of the perceptron, swept in increasing order.
    var widths: [Int]
    /// Number of hidden layers of width `w` (each an `EquivariantDense` and a LeakyReLU).
    var hiddenLayers: Int
    /// Adam steps; each averages the squared error over `setsPerStep` fresh sets.
    var steps: Int
    var setsPerStep: Int
    /// Initial learning rate, decayed to 0 by a cosine schedule.
    var learningRate: Float
    /// Sets on which the relative error is measured (drawn independently of the training sets).
    var heldOutSets: Int
    /// Sets from which the target's mean and standard deviation are estimated; the network is
    /// trained on the standardised target `(f − mean)/deviation`.
    var normalisationSets: Int
    var weighting: BatchMixingWeights
    var seed: UInt64

    /// What `ProofChecks` runs: n = 8, widths 4, 16, 64 with 3 hidden layers, every target,
    /// 1200 steps of 16 sets (about 45 s in a release build on one core).
    static let standard = ApproximationSetup(
        setSize: 8, targets: SymmetricTarget.allCases, widths: [4, 16, 64], hiddenLayers: 3,
        steps: 1200, setsPerStep: 16, learningRate: 1e-2, heldOutSets: 512, normalisationSets: 2048,
        weighting: .plain, seed: 1)

    /// The unit tests' configuration (a debug build): one small width, few steps.
    static let quick = ApproximationSetup(
        setSize: 8, targets: [.maximum, .sumOfCubes], widths: [16], hiddenLayers: 3,
        steps: 250, setsPerStep: 8, learningRate: 1e-2, heldOutSets: 128, normalisationSets: 512,
        weighting: .plain, seed: 1)
}

/// Sets drawn with elements uniform in `[−1, 1]^d`, as network inputs `[n, d]` and target values.
struct SampledSets {
    var inputs: [Tensor]
    var values: [Double]

    init(count: Int, of target: SymmetricTarget, setSize: Int, random: inout RandomStream) {
        let d = target.elementDimension
        inputs = (0..<count).map { _ in random.uniform([setSize, d], low: -1, high: 1) }
        values = inputs.map { input in
            let scalars = input.scalars.map(Double.init)
            return target.value(of: (0..<setSize).map { Array(scalars[$0 * d ..< ($0 + 1) * d]) })
        }
    }

    var mean: Double { values.reduce(0, +) / Double(values.count) }

    /// Population variance of the values.
    var variance: Double {
        let m = mean
        return values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)
    }
}

/// Held-out relative error of every (target, variant, width) of a setup.
struct ApproximationTable {
    let setup: ApproximationSetup
    /// `relativeErrors[target]![variant]![i]` for `setup.widths[i]`.
    var relativeErrors: [SymmetricTarget: [SetNetworkVariant: [Double]]]

    func errors(_ target: SymmetricTarget, _ variant: SetNetworkVariant) -> [Double] {
        relativeErrors[target]?[variant] ?? []
    }

    /// The table as Markdown lines: one row per target, one column per (variant, width).
    var markdown: [String] {
        let columns = SetNetworkVariant.allCases.flatMap { variant in setup.widths.map { "\(variant.rawValue) w=\($0)" } }
        var lines = ["| target | " + columns.joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---:|", count: columns.count)]
        for target in setup.targets {
            let cells = SetNetworkVariant.allCases.flatMap { errors(target, $0) }.map { String(format: "%.4f", $0) }
            lines.append("| \(target.rawValue) | " + cells.joined(separator: " | ") + " |")
        }
        return lines
    }
}

/// Theorem 1 in practice: invariant networks (equivariant perceptron, then the mean reduction)
/// of growing width fitted to symmetric targets, with the Deep-Sets-style ablation beside them.
///
/// Each training example is one set of `n` elements, passed as one batch `[n, d] -> [1]`; the
/// reported number is the held-out relative error `Σ (f̂ − f)² / Σ (f − f̄)²` (mean squared error
/// over the variance of the target on the held-out sets, so the best constant predictor scores 1).
enum UniversalApproximationExperiment {
    static func run(_ setup: ApproximationSetup) throws -> ApproximationTable {
        var table = ApproximationTable(setup: setup, relativeErrors: [:])
        for target in setup.targets {
            for variant in SetNetworkVariant.allCases {
                table.relativeErrors[target, default: [:]][variant] = try setup.widths.map { width in
                    try heldOutError(target: target, width: width, variant: variant, setup: setup)
                }
            }
        }
        return table
    }

    /// Trains one network from its seeded initialisation and returns its held-out relative error.
    /// Every width and variant of a target sees the same training, normalisation and held-out sets.
    static func heldOutError(target: SymmetricTarget, width: Int, variant: SetNetworkVariant,
                             setup: ApproximationSetup) throws -> Double {
        guard setup.setSize >= 2, width >= 1, setup.steps >= 0, setup.setsPerStep >= 1, setup.heldOutSets >= 2,
              setup.normalisationSets >= 2 else {
            throw ProofCheckError("approximation setup needs setSize ≥ 2, width ≥ 1, setsPerStep ≥ 1 and at least 2 held-out and normalisation sets")
        }
        let root = RandomStream(seed: setup.seed).split(target.rawValue)
        var normalisationStream = root.split("normalisation"), heldOutStream = root.split("held-out")
        var trainingStream = root.split("training"), weightStream = root.split("weights-\(variant.rawValue)-\(width)")
        let reference = SampledSets(count: setup.normalisationSets, of: target, setSize: setup.setSize,
                                    random: &normalisationStream)
        let offset = reference.mean, scale = reference.variance.squareRoot()
        guard scale > 0 else { throw ProofCheckError("target \(target.rawValue) is constant on the normalisation sets") }

        let network = InvariantNetwork(body: .perceptron(
            inputSize: target.elementDimension, hiddenSizes: Array(repeating: width, count: setup.hiddenLayers),
            outputSize: 1, activation: { LeakyReLU() }, batchMixing: variant.batchMixing,
            weighting: setup.weighting, random: &weightStream))
        let optimizer = try Adam(for: network, learningRate: setup.learningRate)
        for step in 0..<setup.steps {
            optimizer.learningRate = setup.learningRate * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(setup.steps))))
            let sets = SampledSets(count: setup.setsPerStep, of: target, setSize: setup.setSize, random: &trainingStream)
            let (_, gradients) = try valueAndGradient(of: network) {
                var total: Tensor?
                for (input, value) in zip(sets.inputs, sets.values) {
                    let term = square(try network(input) - Float((value - offset) / scale))
                    total = try total.map { try $0 + term } ?? term
                }
                return total! / Float(setup.setsPerStep)
            }
            try optimizer.step(gradients: gradients)
        }

        let heldOut = SampledSets(count: setup.heldOutSets, of: target, setSize: setup.setSize, random: &heldOutStream)
        var squaredError = 0.0
        try withoutGradient {
            for (input, value) in zip(heldOut.inputs, heldOut.values) {
                let prediction = offset + scale * Double(try network(input).scalar)
                squaredError += (prediction - value) * (prediction - value)
            }
        }
        return squaredError / Double(setup.heldOutSets) / heldOut.variance
    }
}
