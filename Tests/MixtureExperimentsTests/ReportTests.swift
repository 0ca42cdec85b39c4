import ExperimentRuns
import Foundation
import MixtureExperiments
import Reporting
import Testing
import Training

@Suite struct ReportTests {
    static func result(_ variant: MethodVariant, dataset: String, seed: UInt64, modes: Int, kl: Double?,
                       status: RunStatus = .completed) -> MixtureRunResult {
        var config = variant.apply(to: MixtureRunConfig())
        config.dataset = dataset
        config.seed = seed
        return MixtureRunResult(config: config, status: status,
                                message: status == .diverged ? "the generator loss is nan at iteration 7" : nil,
                                iterations: 100, metrics: MixtureMetrics(modes: modes, modesTotal: 25, hqFraction: 0.5,
                                                                         reverseKL: kl, samples: 2500),
                                seconds: 1.5, history: MetricHistory(), extras: [])
    }

    @Test func theRunTableHasTheIssuesColumns() throws {
        let table = try MixtureReport.runTable([
            Self.result(MethodVariant(.bgan, gamma: 0.3), dataset: "squares", seed: 1, modes: 20, kl: 0.25),
            Self.result(MethodVariant(.gan), dataset: "circles", seed: 0, modes: 3, kl: nil),
        ])
        let lines = table.csv().split(separator: "\n").map(String.init)
        #expect(lines[0] == "dataset,method,gamma,loss_placement,seed,iterations,modes,modes_total,hq_fraction,reverse_kl,seconds")
        #expect(lines[1].hasPrefix("squares,bgan,0.3,batch: sigmoid(mean logit),1,100,20,25,0.5,0.25,1.5"))
        #expect(lines[2].hasPrefix("circles,gan,,per-sample,0,100,3,25,0.5,inf,1.5"))
    }

    @Test func theMarkdownTableSummarisesSeedsPerDataset() throws {
        let variants = [MethodVariant(.gan), MethodVariant(.bgan, gamma: 0)]
        let results = [
            Self.result(variants[0], dataset: "squares", seed: 0, modes: 4, kl: 1),
            Self.result(variants[0], dataset: "squares", seed: 1, modes: 6, kl: 2, status: .diverged),
            Self.result(variants[1], dataset: "squares", seed: 0, modes: 25, kl: nil),
        ]
        let text = try MixtureReport.batchSmoothingMarkdown(results, variants: variants, datasets: ["squares"],
                                                            scale: "test")
        #expect(text.contains("| GAN                  | per-sample                 |        5.00 ± 1.41 |"))
        #expect(text.contains("pure batches (γ = 0)"))
        #expect(text.contains("Diverged runs") && text.contains("squares-gan-s1"))
        #expect(text.contains("reverse KL undefined") && text.contains("squares-bgan-g0.0-s0"))
        let ganRow = text.range(of: "| GAN")!.lowerBound, pureRow = text.range(of: "| pure batches")!.lowerBound
        #expect(ganRow < pureRow)
    }

    @Test func thePlanCoversEveryVariantDatasetAndSeedOnce() {
        let runs = chapter4Runs(scale: .smoke)
        #expect(runs.count == MethodVariant.chapter4Table.count * 2 * 2)
        #expect(Set(runs.map(\.runName)).count == runs.count)
        #expect(runs.allSatisfy { $0.iterations == 40 && $0.snapshotIterations == [10, 40] })
        #expect(MethodVariant.chapter4Table.map(\.label).prefix(3) == ["GAN", "mixup GAN", "pure batches (γ = 0)"])
        let ablation = runs.filter { $0.batchSize == 16 }
        #expect(ablation.count == 2 * 2 * 2 && ablation.allSatisfy { $0.runName.contains("-b16-") })
        #expect(MethodVariant(of: ablation[0]).label == "BGAN (γ = 0.3), B = 16")
    }

    @Test func theFiguresRender() throws {
        var result = Self.result(MethodVariant(.gan), dataset: "squares", seed: 0, modes: 3, kl: 1)
        result.extras = [PointSnapshot(iteration: 10, points: [0, 0, 1, 1])]
        for (iteration, d, g) in [(5, 1.2, 0.7), (10, 1.1, 0.8)] {
            result.history.append("discriminator.loss", iteration: iteration, value: d)
            result.history.append("generator.loss", iteration: iteration, value: g)
        }
        var bgan = Self.result(MethodVariant(.bgan, gamma: 0.3), dataset: "squares", seed: 0, modes: 3, kl: 1)
        bgan.history = result.history
        let grid = try MixtureFigures.scatterGrid([result], variants: MethodVariant.figure4_3, datasets: ["squares"])
        #expect(grid.rowCount == 1 && grid.columnCount == 4 && grid.panels[0][0] != nil && grid.panels[0][1] == nil)
        let curves = try MixtureFigures.lossCurves([bgan], gammas: [0.3, 0.5], datasets: ["squares"])
        #expect(curves.rowCount == 2)
        _ = try curves.render()
    }
}
