import AdaptiveDensity
import Datasets
import DensityExperiments
import FlowGAN
import Foundation
import Hybrid
import MixtureExperiments
import TensorCore
import TestSupport
import Testing
import Training

/// Every family trains data-parallel as the single-process model: the posterior's ε, the
/// hierarchical prior's draws, the flows' batch normalisation and ActNorm, PixelCNN++'s weight
/// normalisation, Flow-GAN's and ADE's generators, the BMS hybrid's T posterior samples — each
/// drawn or computed over the global batch. Two processes of 8 rows against one of 16.
@Suite(.serialized) struct ShardedFamiliesTests {
    static let folder = TemporaryFolder()
    static let prepared: Result<(train8: String, train32: String), Error> = Result {
        let small = folder.file("squares8.h5"), large = folder.file("squares32.h5")
        try CornerSquares.dataset(count: 64, side: 8, square: 3, inset: 1, seed: 1).write(toHDF5: small)
        try CornerSquares.dataset(count: 32, side: 32, square: 8, inset: 4, seed: 2).write(toHDF5: large)
        return (small, large)
    }

    /// Plain SGD, small steps (the losses are nats per image): Adam would turn the rounding
    /// noise of zero-gradient parameters into full steps.
    static let optimizer: [String: Any] = ["optimizer": "sgd", "learning_rate": 1e-4]

    @Test(arguments: DensityModelKind.allCases)
    func densityModel(kind: DensityModelKind) throws {
        let data = try Self.prepared.get().train8
        var overrides: [String: Any] = [
            "model": kind.rawValue, "data": data, "batch_size": 16, "hidden_layers": 1, "hidden_units": 16, "couplings": 2,
            "features": 4, "residual_blocks": 1, "latent_size": 4, "latent_channels": 2, "groups": 2, "pixelcnn_filters": 4,
            "pixelcnn_blocks": 1, "pixelcnn_resolutions": 2, "mixture_components": 2, "condition_features": 3,
            "pretrain_iterations": 1,
        ]
        overrides.merge(Self.optimizer) { $1 }
        let config = try DensityRunConfig.decode(overrides: overrides, over: DensityRunConfig(), source: "test")
        let dataset = try ImageDataset.read(fromHDF5: data)
        try Trained.compare { group in try DensityRun(config: config, folder: "unused").makeProcedure(for: dataset, group: group).1 }
    }

    /// Real-NVP with batch normalisation in its coupling networks.
    @Test func realNVPWithBatchNormalisation() throws {
        let data = try Self.prepared.get().train8
        var overrides: [String: Any] = ["model": "realnvp", "data": data, "batch_size": 16, "couplings": 2, "features": 4,
                                        "residual_blocks": 1, "batch_norm": true]
        overrides.merge(Self.optimizer) { $1 }
        let config = try DensityRunConfig.decode(overrides: overrides, over: DensityRunConfig(), source: "test")
        let dataset = try ImageDataset.read(fromHDF5: data)
        try Trained.compare { group in try DensityRun(config: config, folder: "unused").makeProcedure(for: dataset, group: group).1 }
    }

    @Test(arguments: [FlowGANObjective.hybrid, .adv])
    func flowGAN(objective: FlowGANObjective) throws {
        let data = try Self.prepared.get().train8
        var overrides: [String: Any] = [
            "objective": objective.rawValue, "model": "nice", "data": data, "batch_size": 16, "hidden_layers": 1,
            "hidden_units": 16, "couplings": 2, "critic_features": 4, "critic_steps": 2,
        ]
        overrides.merge(Self.optimizer) { $1 }
        let config = try FlowGANRunConfig.decode(overrides: overrides, over: FlowGANRunConfig(), source: "test")
        let dataset = try ImageDataset.read(fromHDF5: data)
        try Trained.compare { group in try FlowGANRun(config: config, folder: "unused").makeProcedure(for: dataset, group: group).1 }
    }

    /// AV-ADE: the VAE in f_ψ's feature space by likelihood and adversarially (Table 5.1's last
    /// row), f_ψ normalised by batch norm (its statistics over the global batch) or ActNorm (its
    /// data-dependent initialisation from the global batch).
    @Test(arguments: ["batch-norm", "actnorm"])
    func adaptiveDensity(normalization: String) throws {
        let data = try Self.prepared.get().train32
        var overrides: [String: Any] = [
            "variant": "av-ade", "data": data, "batch_size": 8, "features": 8, "groups": 2, "latent_channels": 2,
            "flow_features": 4, "flow_residual_blocks": 1, "flow_couplings": 2, "discriminator_width": 0.0625,
            "flow_normalization": normalization,
        ]
        overrides.merge(Self.optimizer) { $1 }
        // Its losses are thousands of nats per 32×32 image: at 1e-4 the second step already
        // amplifies the first step's rounding to 2·10⁻³ (ActNorm); the first step agrees at 1e-4.
        overrides["learning_rate"] = 1e-5
        let config = try ADERunConfig.decode(overrides: overrides, over: ADERunConfig(), source: "test")
        let dataset = try ImageDataset.read(fromHDF5: data)
        try Trained.compare(iterations: 2) { group in try ADERun(config: config, folder: "unused").makeProcedure(for: dataset, group: group).1 }
    }

    /// BMS-VAE-GAN on a 2D mixture: T = 3 posterior samples per row, the critic and the code discriminator.
    @Test func bmsHybrid() throws {
        var config = MixtureRunConfig()
        config.hybrid.hybrid = .bms
        config.hybrid.samples = 3
        config.batchSize = 16
        config.width = 16
        config.depth = 2
        config.gan.optimizer.optimizer = .sgd
        config.gan.optimizer.learningRate = 0.01
        let mixture = try config.makeMixture()
        try Trained.compare { [config] group in
            let networks = try MixtureRun.makeHybridNetworks(config, model: .bms)
            return try HybridTraining.procedure(networks, objective: try #require(try config.hybrid.makeObjective()),
                                                batchSize: config.batchSize, criticSteps: 2, optimizer: config.gan.optimizer,
                                                seed: config.seed, group: group) { count, random in
                try mixture.sampleBatch(count: count, random: &random)
            }
        }
    }
}
