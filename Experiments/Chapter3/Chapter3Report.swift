import AGAVE
import Datasets
import DensityExperiments
import Foundation
import NeuralNet
import Reporting
import TensorCore
import Training

/// Chapter 3's table and figures from finished density runs (spec §2.8).
enum Chapter3Report {
    /// The columns that identify a row; the rest are averaged over seeds.
    static let keys = ["model", "λ", "levels of y", "size of y", "thesis CIFAR-10 BPD"]

    /// What a run is in the table: its model's name, λ, the auxiliary image's levels and its
    /// down-sampling factor (1: y at x's size).
    static func describe(_ config: DensityRunConfig) -> (model: String, lambda: String, levels: String, downsampling: String) {
        switch (config.model, config.tag) {
        case (.pixelcnn, _): return ("PixelCNN++", "", "", "")
        case (.hvae, _): return ("VAE alone (top-down, discretised logistic)", "", "256", "1")
        case (.agave, "naive"?): return ("naive VAE + PixelCNN++ (Eq. 3.6)", "1", "", "")
        case (.agave, "control"?): return ("control: AGAVE without its auxiliary loss", "1", "", "")
        default: return ("AGAVE", Chapter3Scale.label(config.klWeight),
                         String(config.auxiliaryLevels) + (config.auxiliaryGrayscale ? " (grey)" : ""),
                         config.auxiliaryDownsampling == 1 ? "1" : "1/\(config.auxiliaryDownsampling)")
        }
    }

    /// Whether `config` is an AGAVE run of the λ and levels sweeps (not the naive model, the
    /// control, a down-sampled or a grey auxiliary).
    static func isSweepAGAVE(_ config: DensityRunConfig) -> Bool {
        config.model == .agave && config.tag?.hasPrefix("l") == true && config.auxiliaryDownsampling == 1
            && !config.auxiliaryGrayscale
    }

    /// The thesis' CIFAR-10 number for the row it matches (Table 3.1, §2.8), or "—".
    static func thesisBPD(_ config: DensityRunConfig) -> String {
        switch config.model {
        case .pixelcnn: return "2.92"
        case .hvae: return "≤ 3.11 (IAF-VAE)"
        case .agave where config.tag != "naive" && config.auxiliaryDownsampling == 2: return "≤ 2.94 (16×16 y)"
        case .agave where config.tag != "naive" && config.auxiliaryDownsampling == 4: return "≤ 2.93 (8×8 y)"
        case .agave where config.tag != "naive" && config.auxiliaryGrayscale: return "≤ 2.93 (4-bit grey y)"
        case .agave where config.tag != "naive" && config.klWeight == 12 && config.auxiliaryLevels == 256: return "≤ 2.92"
        default: return "—"
        }
    }

    /// One row per run: test BPD (IWAE-k for latent models, exact for PixelCNN++), the ELBO's BPD,
    /// the one-sample terms in bits per dimension, the KL of the VAE alone, seconds.
    static func runs(_ results: [DensityRunResult]) throws -> Table {
        var table = try Table(columns: keys + ["test BPD", "test ELBO BPD", "KL (bits/dim)", "PixelCNN reconstruction",
                                               "VAE reconstruction", "train BPD", "seconds"])
        func number(_ value: Double?) -> TableValue { value.map { .number($0) } ?? .missing }
        for result in results {
            let (model, lambda, levels, downsampling) = describe(result.config)
            let test = result.metrics.test, terms = test?.termsBPD
            try table.append([.text(model), .text(lambda), .text(levels), .text(downsampling), .text(thesisBPD(result.config)),
                              number(test?.bpd),
                              number(test?.elboBPD), number(terms?["kl"]), number(terms?["pixelcnn_reconstruction"]),
                              number(terms?["vae_reconstruction"]), number(result.metrics.train.bpd), .number(result.seconds)])
        }
        return table
    }

    /// Fig. 3.4's analogue: the test terms of the bound (bits per dimension, one posterior
    /// sample, KL unweighted) against λ, for AGAVE runs with 256-level auxiliary images.
    static func lambdaCurves(_ results: [DensityRunResult]) throws -> LinePlot {
        let runs = results.filter { isSweepAGAVE($0.config) && $0.config.auxiliaryLevels == 256 }
            .sorted { $0.config.klWeight < $1.config.klWeight }
        var plot = LinePlot(title: "Terms of the bound against λ (test images)", xAxis: PlotAxis(label: "λ"),
                            yAxis: PlotAxis(label: "bits per dimension"), legend: .topRight)
        let lambdas = runs.map { Double($0.config.klWeight) }
        func term(_ name: String) -> [Double] { runs.map { $0.metrics.test?.termsBPD?[name] ?? .nan } }
        let kl = term("kl"), pixel = term("pixelcnn_reconstruction"), vae = term("vae_reconstruction")
        try plot.add("AGAVE: KL + PixelCNN reconstruction", x: lambdas, y: zip(kl, pixel).map(+), color: .series(0))
        try plot.add("VAE: KL + VAE reconstruction", x: lambdas, y: zip(kl, vae).map(+), color: .series(1))
        try plot.add("KL", x: lambdas, y: kl, color: .series(2))
        try plot.add("PixelCNN reconstruction", x: lambdas, y: pixel, color: .series(3))
        try plot.add("VAE reconstruction", x: lambdas, y: vae, color: .series(4))
        return plot
    }

    /// Fig. 3.8's analogue: test BPD (IWAE and ELBO) against the levels of the auxiliary image.
    static func levelCurves(_ results: [DensityRunResult], lambda: Float) throws -> LinePlot {
        let runs = results.filter { isSweepAGAVE($0.config) && $0.config.klWeight == lambda }
            .sorted { $0.config.auxiliaryLevels < $1.config.auxiliaryLevels }
        var plot = LinePlot(title: "BPD against the levels of y (λ = \(Chapter3Scale.label(lambda)))",
                            xAxis: PlotAxis(label: "levels of the auxiliary image", scale: .logarithmic),
                            yAxis: PlotAxis(label: "test bits per dimension"), legend: .topRight)
        let levels = runs.map { Double($0.config.auxiliaryLevels) }
        try plot.add("IWAE bound", x: levels, y: runs.map { $0.metrics.test?.bpd ?? .nan }, color: .series(0))
        try plot.add("ELBO", x: levels, y: runs.map { $0.metrics.test?.elboBPD ?? .nan }, color: .series(1))
        return plot
    }

    /// The control experiment's KL (bits per dimension, training batches) against steps after
    /// the auxiliary loss was dropped.
    static func controlCurve(_ control: DensityRunResult, dimensions: Int) throws -> LinePlot {
        guard let series = control.history["agave.kl"], let top = series.values.max(), top > 0 else {
            return LinePlot(title: "KL after dropping the auxiliary loss (no KL recorded)")
        }
        let bitsPerNat = 1 / (Double(dimensions) * log(2))
        // From 0, so that how far the KL is from collapse shows.
        var plot = LinePlot(title: "KL after dropping the auxiliary loss", xAxis: PlotAxis(label: "step"),
                            yAxis: PlotAxis(label: "KL (bits per dimension)", limits: 0...(1.1 * top * bitsPerNat)), legend: .topRight)
        try plot.add("KL", x: series.iterations.map(Double.init), y: series.values.map { $0 * bitsPerNat }, color: .series(0))
        return plot
    }

    /// Runs `body` on the trained AGAVE of `folder` (its config and final checkpoint), in
    /// evaluation mode, with the Polyak average of its parameters when the run kept one.
    static func withTrainedAGAVE<R>(_ result: DensityRunResult, folder: String, training: ImageDataset,
                                    _ body: (AGAVEModel) throws -> R) throws -> R {
        let (model, procedure) = try DensityRun(config: result.config, folder: folder).makeProcedure(for: training)
        _ = try procedure.restoreCheckpoint(from: folder + "/checkpoint.h5")
        guard let agave = model.module as? AGAVEModel else { throw ConfigError("\(folder) does not hold an AGAVE run") }
        agave.eval()
        return try procedure.withEvaluationParameters { try body(agave) }
    }

    /// Fig. 3.5's analogue: each row one f(z), z from the prior, then `each` PixelCNN samples
    /// conditioned on it.
    static func priorSamples(_ agave: AGAVEModel, rows: Int, each: Int, seed: UInt64) throws -> Canvas {
        try Canvas.imageGrid(priorSampleRows(agave, rows: rows, each: each, seed: seed), columns: each + 1)
    }

    /// `[rows·(each + 1)]` images in [−1, 1]: each f(z) of a prior draw (as y shows it), then
    /// `each` PixelCNN samples conditioned on it.
    static func priorSampleRows(_ agave: AGAVEModel, rows: Int, each: Int, seed: UInt64) throws -> Tensor {
        var random = RandomStream(seed: seed).split("figure-3.5")
        let decoded = try withoutGradient { try agave.vae.decodePrior(count: rows, random: &random) }
        let samples = try agave.samples(conditionedOn: decoded, each: each, random: &random)
        return try figureRows(auxiliary: agave.displayedAuxiliary(decoded), samples: samples, each: each)
    }

    /// One column of Fig. 3.3's analogue, `[4·2]` images in [−1, 1]: for each of the first two
    /// test images its reconstruction f(z), z ~ q(z | x) (VR), and a PixelCNN sample conditioned
    /// on it (PS); then two prior draws' f(z) (VS), each with a sample (PS).
    static func lambdaColumn(_ agave: AGAVEModel, test: ImageDataset, seed: UInt64) throws -> Tensor {
        var random = RandomStream(seed: seed).split("figure-3.3")
        var made: AGAVEModel.Pass?
        try withoutGradient { try agave.agavePasses(test.pixelBatch([0, 1]), count: 1, random: &random) { made = $0 } }
        guard let reconstructions = made?.decoded else { throw ConfigError("the AGAVE pass gave no reconstruction") }
        let conditioned = try agave.samples(conditionedOn: reconstructions, each: 1, random: &random)
        let reconstructed = try figureRows(auxiliary: agave.displayedAuxiliary(reconstructions), samples: conditioned, each: 1)
        return try Tensor.concatenate([reconstructed, priorSampleRows(agave, rows: 2, each: 1, seed: seed)], axis: 0)
    }

    /// Fig. 3.3's analogue from one column per λ (`lambdaColumn`): row r of the grid is image r
    /// of every column, so each column shows one λ.
    static func lambdaGrid(_ columns: [Tensor]) throws -> Canvas {
        let rows = columns.first?.shape[0] ?? 0
        let images = try (0..<rows).flatMap { row in try columns.map { try $0.narrowed(axis: 0, start: row, length: 1) } }
        return try Canvas.imageGrid(Tensor.concatenate(images, axis: 0), columns: columns.count)
    }

    /// Fig. 3.6's analogue: for each pair of test images, a row of f(z) along the line between
    /// their latent means and a row of one PixelCNN sample conditioned on each.
    static func interpolations(_ agave: AGAVEModel, test: ImageDataset, pairs: [(Int, Int)], steps: Int, seed: UInt64) throws -> Canvas {
        var random = RandomStream(seed: seed).split("figure-3.6")
        var rows: [Tensor] = []
        for (a, b) in pairs {
            let ends = try test.pixelBatch([a, b])
            let line = try agave.interpolate(ends.narrowed(axis: 0, start: 0, length: 1), ends.narrowed(axis: 0, start: 1, length: 1),
                                             steps: steps, lowerGroups: random.split("lower-groups"))
            rows.append(try agave.displayedAuxiliary(line))
            rows.append(try agave.samples(conditionedOn: line, each: 1, random: &random))
        }
        return try Canvas.imageGrid(Tensor.concatenate(rows, axis: 0) * (1 / 127.5) - 1, columns: steps)
    }

    /// `[rows·(each + 1)]` images in [−1, 1]: each f(z) followed by its samples.
    private static func figureRows(auxiliary: Tensor, samples: Tensor, each: Int) throws -> Tensor {
        var images: [Tensor] = []
        for row in 0..<auxiliary.shape[0] {
            images.append(try auxiliary.narrowed(axis: 0, start: row, length: 1))
            images.append(try samples.narrowed(axis: 0, start: row * each, length: each))
        }
        return try Tensor.concatenate(images, axis: 0) * (1 / 127.5) - 1
    }
}
