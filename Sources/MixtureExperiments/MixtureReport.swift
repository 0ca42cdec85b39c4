import Reporting

/// The tables of chapter 4's 2D experiments, made from the runs' results.
public enum MixtureReport {
    /// One row per run, with the columns the issue fixes:
    /// `dataset,method,gamma,loss_placement,seed,iterations,modes,modes_total,hq_fraction,reverse_kl,seconds`.
    /// An undefined reverse KL (no high-quality sample) is written as `inf`.
    public static func runTable(_ results: [MixtureRunResult]) throws -> Table {
        var table = try Table(columns: ["dataset", "method", "gamma", "loss_placement", "seed", "iterations", "modes",
                                        "modes_total", "hq_fraction", "reverse_kl", "seconds"])
        for result in results {
            let config = result.config
            try table.append([
                .text(config.dataset), .text(config.modelLabel),
                config.gammaLabel.map { .number(Double($0.description) ?? Double($0)) } ?? .missing,  // 0.3, not 0.30000001
                .text(config.lossPlacementLabel), .integer(Int(config.seed)), .integer(result.iterations),
                .integer(result.metrics.modes), .integer(result.metrics.modesTotal),
                .number(result.metrics.hqFraction),
                result.metrics.reverseKL.map { .number($0) } ?? .text("inf"),
                .number(result.seconds),
            ])
        }
        return table
    }

    /// The batch-smoothing table in Markdown: for each metric, rows are the `variants` (in
    /// order), columns the datasets, cells `mean ± std` over seeds. Runs that diverged are
    /// counted in a note under the tables; an undefined reverse KL counts as missing.
    public static func batchSmoothingMarkdown(_ results: [MixtureRunResult], variants: [MethodVariant],
                                              datasets: [String], scale: String) throws -> String {
        let metrics: [(title: String, value: (MixtureRunResult) -> Double?)] = [
            ("Modes covered (mean ± std over seeds)", { Double($0.metrics.modes) }),
            ("High-quality samples, fraction within 3σ of a mode", { $0.metrics.hqFraction }),
            ("Reverse KL of the high-quality mode histogram to uniform (nats, lower is better)", { $0.metrics.reverseKL }),
            ("Training seconds per run", { $0.seconds }),
        ]
        let first = results.first
        var text = "# Chapter 4, 2D mixtures: mode coverage (scale: \(scale))\n\n"
        if let first {
            let c = first.config
            text += "Networks: \(c.depth) hidden ReLU layers of \(c.width) units; \(c.iterations) generator iterations, "
                + "n_disc = \(c.discriminatorSteps), batch \(c.batchSize), Adam(lr \(c.learningRate), β1 \(c.beta1), β2 \(c.beta2)); "
                + "metrics on \(c.evaluationSamples) generated samples. BGAN rows use the sigmoid of the mean logit "
                + "(spec A4.6; `bgan_aggregation = probabilities` gives the other reading); M-BGAN applies the loss per sample, then averages.\n\n"
        }
        let columns = ["method", "loss placement"] + datasets.map { dataset in
            let total = results.first { $0.config.dataset == dataset }?.metrics.modesTotal
            return total.map { "\(dataset) (\($0) modes)" } ?? dataset
        }
        for metric in metrics {
            var table = try Table(columns: columns)
            for variant in variants {
                let runs = results.filter { MethodVariant(of: $0.config) == variant }
                guard let placement = runs.first?.config.lossPlacementLabel else { continue }
                let cells = datasets.map { dataset -> TableValue in
                    TableValue.summarizing(runs.filter { $0.config.dataset == dataset }.compactMap(metric.value))
                }
                try table.append([.text(variant.label), .text(placement)] + cells)
            }
            text += "## \(metric.title)\n\n" + table.markdown(precision: 2) + "\n"
        }
        let diverged = results.filter { $0.status == .diverged }
        if !diverged.isEmpty {
            text += "Diverged runs (a loss became NaN or infinite; metrics are those of the generator when it stopped):\n\n"
            for run in diverged { text += "- \(run.name): \(run.message ?? "")\n" }
            text += "\n"
        }
        let undefined = results.filter { $0.metrics.reverseKL == nil }
        if !undefined.isEmpty {
            text += "Runs with no high-quality sample (reverse KL undefined, left out of its mean): "
                + undefined.map(\.name).joined(separator: ", ") + "\n"
        }
        return text
    }
}
