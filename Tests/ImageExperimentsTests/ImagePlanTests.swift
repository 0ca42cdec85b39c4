import Adversarial
import Datasets
import ExperimentRuns
import Foundation
import Training
import ImageExperiments
import Reporting
import TensorCore
import Testing

@Suite struct ImagePlanTests {
    /// The issue's rows — GAN, SN, minibatch discrimination, pure batches, BGAN and M-BGAN over
    /// γ — each on at least two seeds, with distinct run folders.
    @Test func theDefaultTableHasTheIssuesRows() throws {
        let scale = Chapter4ImageScale.standard
        let runs = scale.runs(data: "d.h5", classifier: "c.h5")
        let labels = Set(runs.map(\.variantLabel))
        for label in ["GAN", "SN-GAN", "minibatch discrimination", "pure batches", "BGAN γ=0.3", "M-BGAN γ=0.3"] {
            #expect(labels.contains(label), "\(label)")
        }
        #expect(labels.filter { $0.hasPrefix("M-BGAN") }.count >= 2)
        #expect(scale.seeds.count >= 2 && runs.count == scale.variants.count * scale.seeds.count)
        #expect(Set(runs.map(\.runName)).count == runs.count)
        for config in runs { try config.validate() }
    }

    /// The thesis scale: Table 4.1's rows on CIFAR-10 at full width, 400,000 steps of both
    /// players (200,000 generator iterations at n_disc = 1), samples exported for Inception metrics.
    @Test func theThesisScaleIsTable4_1OnCIFAR10() throws {
        let scale = Chapter4ImageScale.thesis
        let runs = scale.runs(data: scale.data ?? "", classifier: nil)
        #expect(Set(runs.map(\.variantLabel)) == ["WGAN-GP", "GAN-GP", "SN-GAN", "minibatch discrimination", "BGAN γ=0.3",
                                                  "M-BGAN γ=0.3"])
        #expect(runs.allSatisfy { $0.widthMultiplier == 1 && $0.iterations * ($0.discriminatorSteps + 1) == 400_000 })
        #expect(runs.allSatisfy { $0.exportSamples && $0.data == "data/cifar10-train.h5" && $0.classifier == nil })
        for config in runs { try config.validate() }
        #expect(throws: ConfigError.self) { try Chapter4ImageScale.named("huge") }
    }

    @Test func eachMethodGetsItsDiscriminatorForm() throws {
        var config = ImageRunConfig()
        let expected: [(AdversarialMethod, Bool, ConvolutionalDiscriminatorForm)] = [
            (.gan, false, .perSample), (.gan, true, .spectralNorm), (.wganGP, false, .perSample),
            (.minibatchDiscrimination, false, .minibatchDiscrimination), (.bgan, false, .equivariant), (.mbgan, false, .equivariant),
        ]
        for (method, spectralNorm, form) in expected {
            config.method = method
            config.spectralNorm = spectralNorm
            #expect(config.discriminatorForm == form, "\(method)")
        }
    }

    @Test func theReportTablesEveryRunAndTheThesisColumn() throws {
        func result(_ variant: ImageVariant, seed: UInt64, modes: Int) throws -> ImageRunResult {
            var config = variant.configure(ImageRunConfig())
            config.seed = seed
            let metrics = ImageMetrics(modes: modes, modesTotal: 1000, reverseKL: 1, fid: 10, kid: 0.1, precision: 0.5,
                                       recall: 0.25, inceptionScore: 3, spectralDistance: 0.2, samples: 100)
            var history = MetricHistory()
            for (iteration, score, fid) in [(5, 2.0, 20.0), (10, 3.0, 10.0)] {
                history.append(ImageRunResult.inceptionScoreSeries, iteration: iteration, value: score)
                history.append(ImageRunResult.fidSeries, iteration: iteration, value: fid)
            }
            return ImageRunResult(config: config, status: .completed, message: nil, iterations: 10, metrics: metrics,
                                  seconds: 1, history: history, extras: NoExtras())
        }
        let variants = [ImageVariant(.gan), ImageVariant(.mbgan, gamma: 0.3)]
        let results = try [result(variants[0], seed: 0, modes: 10), result(variants[0], seed: 1, modes: 20),
                           result(variants[1], seed: 0, modes: 300)]
        let table = try ImageReport.runTable(results)
        #expect(table.rows.count == 3 && table.columns.contains("fid") && table.columns.contains("spectral_distance"))
        #expect(try table.column("modes") == [.integer(10), .integer(20), .integer(300)])
        let markdown = try ImageReport.markdown(results, variants: variants, scale: "test", classifier: nil)
        #expect(markdown.contains("15.000 ± 7.071"))  // GAN's modes over its two seeds
        #expect(markdown.contains("7.49 / 23.7"))  // M-BGAN's Table 4.1 entry
        #expect(markdown.contains("No feature extractor"))  // no classifier: the table says what is missing
        let figure = try ImageReport.curves(results, variants: variants).render()
        #expect(figure.width > 500 && figure.height > 300)
    }

    @Test func glyphDatasetsQuantiseAndLabelTheirModes() throws {
        var random = RandomStream(seed: 3)
        var glyphs = ProceduralGlyphs()
        glyphs.size = 16
        let dataset = try glyphs.stackedDataset(count: 5, random: &random)
        var again = RandomStream(seed: 3)
        let (images, modes) = try glyphs.stacked(count: 5, random: &again)
        #expect(dataset.shape == [5, 3, 16, 16] && dataset.labels == modes)
        let restored = try dataset.batch(Array(0..<5)).scalars
        #expect(zip(restored, images.scalars).allSatisfy { abs($0 - $1) <= 0.5 / 127.5 + 1e-6 })
    }
}
