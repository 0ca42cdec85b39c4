import AdaptiveDensity
import Adversarial
import Datasets
import DensityExperiments
import Distributions
import Evaluation
import ExperimentRuns
import Foundation
import NeuralNet
import Reporting
import TensorCore
import TestSupport
import Testing
import Training
import Variational

struct Interrupted: Error {}

/// Labelled 8-bit 32×32 corner squares (8×8, label 0 top-left, 1 bottom-right) and a classifier of them.
enum Fixture {
    static let folder = TemporaryFolder()
    static func path(_ name: String) -> String { folder.path + "/\(name).h5" }
    static let prepared: Result<Void, Error> = Result {
        for (name, count, seed) in [("train", 48, UInt64(1)), ("test", 16, 2)] {
            try CornerSquares.dataset(count: count, side: 32, square: 8, inset: 4, seed: seed).write(toHDF5: path(name))
        }
        var random = RandomStream(seed: 4)
        let classifier = try GlyphClassifier(imageSize: 32, random: &random)
        try classifier.train(on: ImageDataset.read(fromHDF5: path("train")), steps: 10, batchSize: 8, random: &random)
        try classifier.save(to: path("classifier"))
    }

    static func config(_ variant: ADEVariant, _ overrides: [String: Any] = [:]) throws -> ADERunConfig {
        try prepared.get()
        let base: [String: Any] = [
            "variant": variant.rawValue, "data": path("train"), "test_data": path("test"), "classifier": path("classifier"),
            "batch_size": 4, "iterations": 4, "checkpoint_every": 2, "history_every": 2, "features": 8, "groups": 2,
            "latent_channels": 2, "flow_features": 4, "flow_residual_blocks": 1, "flow_couplings": 2,
            "discriminator_width": 0.0625, "evaluation_importance_samples": 2, "metric_samples": 16, "grid_samples": 4,
        ]
        return try ADERunConfig.decode(overrides: base.merging(overrides) { $1 }, over: ADERunConfig(), source: "test")
    }

    static func model(_ variant: ADEVariant, _ overrides: [String: Any] = [:]) throws -> (AdaptiveDensityModel, TrainingProcedure, ImageDataset) {
        let runConfig = try config(variant, overrides)
        let dataset = try ImageDataset.read(fromHDF5: path("train"))
        let (model, procedure) = try ADERun(config: runConfig, folder: "unused").makeProcedure(for: dataset)
        return (model, procedure, dataset)
    }
}

@Suite(.serialized) struct AdaptiveDensityTests {
    /// Each variant has the players and losses of its row of Table 5.1.
    @Test func eachVariantTrainsWithItsLosses() throws {
        for variant in ADEVariant.allCases {
            let (model, procedure, _) = try Fixture.model(variant)
            #expect(procedure.players.map(\.name) == (variant.trainsQuality ? ["discriminator", "generator"] : ["generator"]))
            #expect((model.featureMap != nil) == variant.hasFeatureMap)
            let metrics = try procedure.trainIteration()
            #expect((metrics["generator.coverage"] != nil) == variant.trainsCoverage, "\(variant)")
            #expect((metrics["generator.quality"] != nil) == variant.trainsQuality, "\(variant)")
        }
    }

    /// The image-space ELBO is the feature-space ELBO plus ln |det ∂f_ψ/∂x| (Eq. 5.5), pass for pass.
    @Test func theCoverageLossAddsTheLogDeterminantToTheFeatureELBO() throws {
        let (model, _, dataset) = try Fixture.model(.vade)
        let random = RandomStream(seed: 3)
        let x = try dataset.pixelBatch(Array(0..<4)) * (1 / 256) + 1 / 512
        var first = random, second = random
        let imageELBO = try model.pass(x, random: &first).elbo()
        let (y, logDeterminant) = try model.features(x)
        let featureELBO = try model.vae.pass(y, random: &second).elbo()
        let expected = try featureELBO + logDeterminant
        #expect(zip(imageELBO.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-3 * max(1, abs($1)) })
        #expect(logDeterminant.scalars.contains { $0 != 0 })
    }

    /// The reported BPD is the IWAE bound of the image-space model on dequantised pixels / 256,
    /// converted with the 8-bit offset of the [0, 1) scale: recomputed here from the model
    /// directly, replaying the evaluator's stream (dequantisation, then the ELBO's and the
    /// bound's posterior samples).
    @Test func theBPDIsTheBoundPlusTheEightBitOffset() throws {
        let (model, _, _) = try Fixture.model(.avade)
        let test = try ImageDataset.read(fromHDF5: Fixture.path("test"))
        let density = DensityModel(module: model, scaling: .unit, imageShape: model.imageShape)
        let reported = try DensityEvaluator(model: density, importanceSamples: 3).evaluate(test)
        var random = RandomStream(seed: 0).split("evaluation")
        let (bound, dimensions) = try withoutGradient { () -> (Double, Double) in
            model.eval()
            defer { model.train() }
            let x = try Dequantization.uniform(test.pixelBatch(Array(0..<test.count)), scaling: .unit, random: &random)
            _ = try model.elbo(x, random: &random)
            let values = try model.importanceWeightedBound(x, samples: 3, random: &random).scalars.map(Double.init)
            return (values.reduce(0, +) / Double(values.count), Double(x.count / x.shape[0]))
        }
        let expected = -bound / (dimensions * log(2)) + 8
        #expect(abs(reported.bpd - expected) < 1e-6 * expected, "\(reported.bpd) vs \(expected)")
        #expect(abs(reported.nll - reported.bpd * dimensions * log(2)) < 1e-6 * reported.nll)
    }

    /// By default L_Q reaches θ through f_ψ⁻¹ but leaves ψ without gradient (App. A, A5.4);
    /// with `quality_trains_feature_map` ψ gets one too.
    @Test(arguments: [false, true])
    func theQualityLossReachesTheFeatureMapOnlyWhenAsked(trainsFeatureMap: Bool) throws {
        let (model, procedure, _) = try Fixture.model(.avade, ["quality_trains_feature_map": trainsFeatureMap])
        let discriminator = try #require(procedure.players[0].module as? any Layer)
        var random = RandomStream(seed: 5)
        let (_, gradients) = try valueAndGradient(wrt: model.namedParameters) {
            try -discriminator(model.generate(count: 4, random: &random)).mean()
        }
        let norms = gradients.byPath.mapValues { $0.scalars.reduce(0) { $0 + abs($1) } }
        let feature = norms.filter { $0.key.hasPrefix("featureMap") }, decoder = norms.filter { $0.key.hasPrefix("vae.output") }
        #expect(!feature.isEmpty && !decoder.isEmpty)
        #expect(decoder.values.contains { $0 > 0 })
        #expect(feature.values.contains { $0 > 0 } == trainsFeatureMap, "\(feature)")
        let featureParameters = try #require(model.featureMap).namedParameters
        #expect(featureParameters.allSatisfy { $0.parameter.isTrainable })
    }

    /// Every parameter is reflected once: the model's count is the map's plus the VAE's.
    @Test func everyParameterIsCountedOnce() throws {
        let (model, _, _) = try Fixture.model(.avade)
        let map = try #require(model.featureMap)
        #expect(model.parameterCount == map.parameterCount + model.vae.parameterCount)
        #expect(Set(model.namedParameters.map { ObjectIdentifier($0.parameter) }).count == model.namedParameters.count)
    }

    /// † of Table 5.1: with f_ψ the VAE is narrowed until the whole model has no more parameters
    /// than the pixel-space VAE.
    @Test func theFeatureMapsParametersAreCompensated() throws {
        let (vae, _, _) = try Fixture.model(.vae, ["features": 16])
        let (vade, _, _) = try Fixture.model(.vade, ["features": 16])
        let (uncompensated, _, _) = try Fixture.model(.vade, ["features": 16, "compensate_parameters": false])
        #expect(vade.parameterCount <= vae.parameterCount)
        #expect(vade.vae.parameterCount < uncompensated.vae.parameterCount)
        #expect(uncompensated.parameterCount > vae.parameterCount)
    }

    /// An AV-ADE run reports its BPD bounds, sample metrics and parameters; interrupted and
    /// resumed it ends bit for bit where an uninterrupted one does. A GAN reports no BPD.
    @Test func anAVADERunReportsAndResumesExactly() throws {
        let straight = TemporaryFolder(), interrupted = TemporaryFolder()
        let config = try Fixture.config(.avade)
        let expected = try ADERun(config: config, folder: straight.path).execute(resume: false)
        #expect(expected.status == .completed && expected.iterations == 4)
        let test = try #require(expected.metrics.test)
        #expect(test.bpd > 0 && test.bpd.isFinite && test.elboBPD! >= test.bpd - 0.05)
        let samples = try #require(expected.metrics.samples)
        #expect(samples.fid.isFinite && (0...1).contains(samples.precision) && samples.inceptionScore >= 1)
        let curve = try #require(samples.precisionRecallCurve)
        #expect(curve.precision.count == 1_001 && curve.recall.count == 1_001 && (0...1).contains(curve.area))
        #expect(expected.metrics.featureMapParameters > 0)
        #expect(throws: Interrupted.self) {
            try ADERun(config: config, folder: interrupted.path).execute(resume: false) { if $0 == 3 { throw Interrupted() } }
        }
        var resumed = try ADERun(config: config, folder: interrupted.path).execute(resume: true)
        (resumed.seconds, resumed.secondsPerIteration) = (expected.seconds, expected.secondsPerIteration)
        #expect(resumed.metrics == expected.metrics)
        #expect(resumed.history == expected.history)
        // Table 5.3: every published row; ours beside the row of the same model only.
        var refined = expected
        (refined.config.posteriorFlow, refined.config.discriminator) = (.iaf, .residual)
        let comparison = try ADEReport.publishedComparison([expected, refined])
        #expect(comparison.rows.count == ADEReport.published.count)
        let ours = try comparison.column("ours: BPD"), models = try comparison.column("model")
        for (model, value) in zip(models, ours) {
            guard model == .text("AV-ADE (iaf, rd)") else {
                #expect(value == .missing, "\(model): \(value)")
                continue
            }
            guard case let .summary(mean, _, count) = value else {
                Issue.record("no BPD of ours beside AV-ADE (iaf, rd): \(value)")
                continue
            }
            #expect(mean == test.bpd && count == 1)
        }
        let ganFolder = TemporaryFolder(), exportingFolder = TemporaryFolder()
        let gan = try ADERun(config: Fixture.config(.gan, ["iterations": 2, "posthoc_iterations": 2]), folder: ganFolder.path)
            .execute(resume: false)
        #expect(gan.metrics.test.map { $0.bpd.isFinite && $0.bpd > 0 } == true && gan.metrics.samples != nil)
        let exporting = ADERun(config: try Fixture.config(.gan, ["iterations": 2, "posthoc_iterations": 0, "export_samples": true]),
                               folder: exportingFolder.path)
        let noDensity = try exporting.execute(resume: false)
        #expect(noDensity.metrics.test == nil)
        // export_samples writes metric_samples images of the data's shape.
        let exported = try ImageDataset.read(fromHDF5: exporting.evaluationSamplesPath)
        #expect(exported.shape == [exporting.config.metricSamples] + Array(try ImageDataset.read(fromHDF5: exporting.config.data).shape.dropFirst()))
    }

    /// The GAN's post-hoc phase (§4.7) trains only the inference network and σ around the frozen
    /// generator, and raises the ELBO it is trained on.
    @Test func thePosthocInferenceNetworkLeavesTheGeneratorAlone() throws {
        let (model, procedure, dataset) = try Fixture.model(.gan)
        let generatorPaths = ["vae.topInput", "vae.ups", "vae.priors", "vae.merges", "vae.output"]
        func snapshot() -> [String: [Float]] {
            Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.path, $0.parameter.tensor.scalars) })
        }
        let random = RandomStream(seed: 8)
        let x = try dataset.pixelBatch(Array(0..<8)) * (1 / 256) + 1 / 512
        var evaluation = random
        let before = snapshot(), elboBefore = try model.pass(x, random: &evaluation).elbo().mean().scalar
        try PosthocInference.train(model, iterations: 30, batchSize: 8, optimizer: OptimizerSettings(optimizer: .adamax, learningRate: 0.01),
                                   seed: 1, data: procedure.data)
        let after = snapshot()
        evaluation = random
        let elboAfter = try model.pass(x, random: &evaluation).elbo().mean().scalar
        for (path, values) in before {
            let isGenerator = generatorPaths.contains { path.hasPrefix($0) }
            #expect((after[path] == values) == isGenerator, "\(path)")
        }
        #expect(elboAfter > elboBefore, "\(elboBefore) → \(elboAfter)")
    }

    /// The GAN's post-hoc bound (§4.7) never lies below the exact log-likelihood where that is
    /// known: with the generator's output convolution zeroed, G ignores its latents and the
    /// model is exactly `p(x) = N(x; G, σ²I)`. The IWAE bound is below it in expectation (one
    /// draw may pass it), so the gap is averaged over images and draws, before and after the
    /// post-hoc phase; the phase closes most of it (the exact posterior is then the prior,
    /// which the inference network can learn).
    @Test func theGANsPosthocBoundNeverPassesTheExactLikelihood() throws {
        let (model, procedure, dataset) = try Fixture.model(.gan)
        model.vae.output.weight = .zeros(model.vae.output.weight.shape)
        let x = try dataset.pixelBatch(Array(0..<8)) * (1 / 256) + 1 / 512
        /// ln p(x) minus the IWAE-16 bound, nats per image, averaged over 8 images × 8 draws.
        func meanGap() throws -> Float {
            try withoutGradient {
                var random = RandomStream(seed: 9)
                let mean = try model.vae.generate(count: x.shape[0], random: &random)
                let exact = try DiagonalGaussian(mean: mean, logStd: model.observationLogSigma).logDensity(x).mean().scalar
                let bounds = try (0..<8).map { _ in try model.importanceWeightedBound(x, samples: 16, random: &random).mean().scalar }
                return exact - bounds.reduce(0, +) / 8
            }
        }
        let before = try meanGap()
        try PosthocInference.train(model, iterations: 60, batchSize: 8, optimizer: OptimizerSettings(optimizer: .adamax, learningRate: 0.01),
                                   seed: 1, data: procedure.data)
        let after = try meanGap()
        #expect(before > 0 && after > 0 && after < 0.5 * before, "the gap \(before) → \(after) nats")
    }

    /// Table 5.2's refinements change what they name: "rd" the discriminator (Table A.1's
    /// residual one, which trains), "wg" doubles the generator's channels, "s2" gives f_ψ a
    /// second scale; the run's name and row label carry the tags.
    @Test func theRefinementsOfTable5_2BuildTheirModels() throws {
        let refined: [String: Any] = ["discriminator": "residual", "wide_generator": true, "flow_scales": 2]
        let config = try Fixture.config(.avade, refined)
        #expect(config.modelLabel == "AV-ADE (wg, rd, s2)" && config.runName == "av-ade-wg-rd-s2-s0")
        #expect(try Fixture.config(.vae, refined).modelLabel == "VAE (wg)")
        #expect(try Fixture.config(.gan, ["discriminator": "residual"]).modelLabel == "GAN (rd)")
        let (plain, plainProcedure, _) = try Fixture.model(.avade, ["compensate_parameters": false])
        let (model, procedure, _) = try Fixture.model(.avade, refined.merging(["compensate_parameters": false]) { $1 })
        #expect(plainProcedure.players[0].module is Sequential)
        #expect(procedure.players[0].module is ResidualDiscriminator)
        #expect(model.vae.input.weight.shape[0] == 2 * plain.vae.input.weight.shape[0])
        #expect(try #require(model.featureMap).parameterCount > #require(plain.featureMap).parameterCount)
        let metrics = try procedure.trainIteration()
        #expect(metrics["discriminator.loss"].map(\.isFinite) == true && metrics["generator.quality"].map(\.isFinite) == true)
        // Without Real-NVP's batch norm f_ψ keeps only its couplings (and no running statistics);
        // with ActNorm, a per-channel map set from the first batch, as many parameters as batch norm's.
        let (unnormalised, _, _) = try Fixture.model(.vade, ["flow_normalization": "none", "compensate_parameters": false])
        let normalised = try #require(Fixture.model(.vade, ["compensate_parameters": false]).0.featureMap)
        #expect(try #require(unnormalised.featureMap).parameterCount < normalised.parameterCount)
        #expect(!unnormalised.namedBuffers.contains { $0.path.contains("running") })
        let (activationNormalised, actnormProcedure, _) = try Fixture.model(.avade, ["flow_normalization": "actnorm",
                                                                                     "compensate_parameters": false])
        let actnormMap = try #require(activationNormalised.featureMap)
        #expect(actnormMap.parameterCount == normalised.parameterCount)
        #expect(!actnormMap.namedBuffers.contains { $0.path.contains("running") })
        #expect(actnormMap.namedBuffers.filter { $0.path.hasSuffix("initialized") }.allSatisfy { $0.buffer.wrappedValue.scalars == [0] })
        let actnormMetrics = try actnormProcedure.trainIteration()
        #expect(actnormMetrics["generator.quality"].map(\.isFinite) == true)
        #expect(actnormMap.namedBuffers.filter { $0.path.hasSuffix("initialized") }.allSatisfy { $0.buffer.wrappedValue.scalars == [1] })
        #expect(throws: (any Error).self) { _ = try Fixture.config(.avade, ["flow_normalization": "layer-norm"]) }
        // (iaf, rd): one IAF step on every stochastic layer's posterior; the bound still trains.
        let iaf: [String: Any] = ["posterior_flow": "iaf", "discriminator": "residual"]
        #expect(try Fixture.config(.avade, iaf).modelLabel == "AV-ADE (iaf, rd)")
        let (iafModel, iafProcedure, _) = try Fixture.model(.avade, iaf.merging(["compensate_parameters": false]) { $1 })
        #expect(iafModel.vae.posteriorSteps.count == iafModel.vae.groups)
        let iafMetrics = try iafProcedure.trainIteration()
        #expect(iafMetrics["generator.coverage"].map(\.isFinite) == true, "\(iafMetrics)")
        #expect(throws: (any Error).self) { _ = try Fixture.config(.avade, ["posterior_flow": "planar"]) }
    }

    /// The residual discriminator: one logit per image, its blocks halve the side three times,
    /// and every parameter gets a gradient (the shortcut convolutions included).
    @Test func theResidualDiscriminatorHasTableA1sShape() throws {
        var random = RandomStream(seed: 6)
        let discriminator = try ResidualDiscriminator(imageChannels: 3, widthMultiplier: 0.25, random: &random)
        #expect(discriminator.blocks.map { $0.second.outputChannels } == [8, 16, 32, 64])
        #expect(discriminator.blocks.map { $0.shortcut != nil } == [true, true, true, true])
        let x = random.normal([2, 3, 16, 16])
        #expect(try discriminator(x).shape == [2, 1])
        let (_, gradients) = try valueAndGradient(wrt: discriminator.namedParameters) { try discriminator(x).sum() }
        #expect(gradients.byPath.count == discriminator.namedParameters.count)
        #expect(gradients.byPath.values.allSatisfy { $0.scalars.contains { $0 != 0 } })
        #expect(throws: TensorError.self) { try discriminator(random.normal([2, 3, 12, 12])) }
        let identity = try DiscriminatorResidualBlock(inputChannels: 4, outputChannels: 4, downsample: false, random: &random)
        #expect(identity.shortcut == nil)
    }

    /// Images the discriminator cannot take are refused with the reason.
    @Test func badShapesAreNamed() throws {
        #expect(throws: ConfigError.self) { try Fixture.config(.avade, ["variant": "flow"]) }
        #expect(throws: ConfigError.self) { try Fixture.config(.avade, ["quality_weight": -1]).validate() }
    }
}
