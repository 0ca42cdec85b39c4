import Datasets
import DensityExperiments
import ExperimentRuns
import Foundation
import NeuralNet
import TensorCore
import TestSupport
import Testing
import Training

struct Interrupted: Error {}

/// 8-bit 8×8 images: a bright 3×3 square in one of two corners over dark noise.
enum Fixture {
    static let folder = TemporaryFolder()
    static var trainPath: String { folder.path + "/train.h5" }
    static var testPath: String { folder.path + "/test.h5" }
    static let prepared: Result<Void, Error> = Result {
        for (path, count, seed) in [(trainPath, 96, UInt64(1)), (testPath, 24, 2)] {
            var random = RandomStream(seed: seed)
            var pixels: [UInt8] = []
            for _ in 0..<count {
                let corner = random.unitUniform() < 0.5 ? 1 : 4
                for y in 0..<8 {
                    for x in 0..<8 {
                        let inside = (corner..<(corner + 3)).contains(y) && (corner..<(corner + 3)).contains(x)
                        pixels.append(UInt8(inside ? 200 + random.integer(in: 0..<56) : random.integer(in: 0..<40)))
                    }
                }
            }
            try ImageDataset(shape: [count, 1, 8, 8], pixels: pixels, source: "squares").write(toHDF5: path)
        }
    }

    static func config(_ model: DensityModelKind, _ overrides: [String: Any] = [:]) throws -> DensityRunConfig {
        try prepared.get()
        let base: [String: Any] = [
            "model": model.rawValue, "data": trainPath, "test_data": testPath, "batch_size": 16, "iterations": 4,
            "checkpoint_every": 2, "history_every": 2, "hidden_layers": 1, "hidden_units": 16, "couplings": 2,
            "features": 4, "residual_blocks": 1, "latent_size": 4, "latent_channels": 2, "groups": 2,
            "evaluation_importance_samples": 4, "grid_samples": 8, "pixelcnn_filters": 4, "pixelcnn_blocks": 1,
            "pixelcnn_resolutions": 2, "mixture_components": 2, "condition_features": 3, "pretrain_iterations": 2,
        ]
        return try DensityRunConfig.decode(overrides: base.merging(overrides) { $1 }, over: DensityRunConfig(), source: "test")
    }
}

@Suite(.serialized) struct DensityRunTests {
    /// Every model trains, reports finite train and test BPD in discrete-data units, and writes
    /// its files; a folder with a finished run is never overwritten.
    @Test(arguments: DensityModelKind.allCases)
    func everyModelTrainsAndReportsItsLikelihood(model: DensityModelKind) throws {
        let folder = TemporaryFolder()
        let run = DensityRun(config: try Fixture.config(model), folder: folder.path)
        let result = try run.execute(resume: false)
        #expect(result.status == .completed && result.iterations == 4)
        let test = try #require(result.metrics.test)
        #expect(test.images == 24 && result.metrics.train.images == 96)
        // Above 0 bits (a discrete likelihood ≤ 1), and consistent units: nll = bpd · D · ln 2.
        #expect(test.bpd > 0 && test.bpd.isFinite, "\(test.bpd)")
        #expect(abs(test.nll - test.bpd * 64 * log(2)) < 1e-6 * test.nll)
        switch model {
        case .vae, .hvae, .agave:
            #expect(test.importanceSamples == 4 && test.elboBPD! >= test.bpd - 0.05)
            #expect(test.continuousNLL == nil)
        case .pixelcnn:
            #expect(test.importanceSamples == nil && test.elboBPD == nil && test.continuousNLL == nil)
        case .nice, .realnvp:
            #expect(abs(test.continuousNLL! - (test.nll - 64 * log(256))) < 1e-6 * test.nll)
        }
        // AGAVE splits its one-sample bound: KL + PixelCNN reconstruction = the ELBO, in bits per dimension.
        if model == .agave, let terms = test.termsBPD {
            #expect(abs(terms["kl"]! + terms["pixelcnn_reconstruction"]! - test.elboBPD!) < 0.05 * test.elboBPD!)
            #expect(FileManager.default.fileExists(atPath: folder.path + "/auxiliary.png"))
        } else {
            #expect(model != .agave && test.termsBPD == nil, "only AGAVE reports bound terms")
        }
        for file in ["result.json", "manifest.json", "checkpoint.h5", "samples.png", "samples.h5"] {
            #expect(FileManager.default.fileExists(atPath: folder.path + "/" + file), "\(file)")
        }
        #expect(try ImageDataset.read(fromHDF5: run.samplesDataPath).shape == [8, 1, 8, 8])
        #expect(throws: ConfigError.self) { try run.execute(resume: false) }
    }

    /// Interrupted after iteration 3 (its last checkpoint at 2) and resumed, a run ends exactly
    /// where an uninterrupted one does — batch-norm running statistics, KL warm-up and AGAVE's
    /// switch from pre-training to the joint objective included.
    @Test(arguments: [(DensityModelKind.realnvp, [String: Any]()), (.hvae, ["kl_warmup_steps": 3, "free_bits": 0.1]),
                      (.agave, ["pretrain_iterations": 3, "kl_weight": 4])])
    func aResumedRunIsBitIdenticalToAnUninterruptedOne(model: DensityModelKind, overrides: [String: Any]) throws {
        let straight = TemporaryFolder(), interrupted = TemporaryFolder()
        let config = try Fixture.config(model, overrides)
        let expected = try DensityRun(config: config, folder: straight.path).execute(resume: false)
        #expect(throws: Interrupted.self) {
            try DensityRun(config: config, folder: interrupted.path).execute(resume: false) { if $0 == 3 { throw Interrupted() } }
        }
        var resumed = try DensityRun(config: config, folder: interrupted.path).execute(resume: true)
        resumed.seconds = expected.seconds
        resumed.secondsPerIteration = expected.secondsPerIteration
        #expect(resumed.metrics == expected.metrics)
        #expect(resumed.history == expected.history)
    }

    /// The evaluation is reproducible, and the per-image values average to the summary.
    @Test func anEvaluationIsReproducibleAndConsistent() throws {
        let folder = TemporaryFolder()
        let run = DensityRun(config: try Fixture.config(.realnvp), folder: folder.path)
        let result = try run.execute(resume: false)
        let dataset = try DensityRun.readImages(Fixture.testPath)
        let (model, procedure) = try run.makeProcedure(for: dataset)
        try procedure.restoreCheckpoint(from: folder.path + "/checkpoint.h5")
        let evaluator = DensityEvaluator(model: model, importanceSamples: 4)
        let (values, _) = try evaluator.logLikelihoods(of: dataset)
        #expect(abs(-values.reduce(0, +) / Double(values.count) - result.metrics.test!.nll) < 1e-9)
        #expect(try evaluator.evaluate(dataset) == result.metrics.test!)
    }

    @Test func badInputIsNamed() throws {
        let folder = TemporaryFolder()
        // 17-level digits are refused by name.
        try ImageDataset(shape: [2, 1, 8, 8], pixels: [UInt8](repeating: 3, count: 128), source: "digits", levels: 17)
            .write(toHDF5: folder.path + "/digits.h5")
        #expect(throws: DatasetError.self) { try DensityRun.readImages(folder.path + "/digits.h5") }
        #expect(throws: DatasetError.self) { try DensityRun.readImages(folder.path + "/missing.h5") }
        // 3 scales halve 8×8 twice (fine); 4 would need 8 | 8 (fine); 5 cannot.
        let config = try Fixture.config(.realnvp, ["scales": 5])
        #expect(throws: ConfigError.self) { try DensityRun(config: config, folder: folder.path + "/run").execute(resume: false) }
        #expect(throws: ConfigError.self) { try Fixture.config(.vae, ["importance_samples": 3, "free_bits": 1]).validate() }
        #expect(throws: ConfigError.self) { try Fixture.config(.vae, ["model": "glow"]) }
    }
}

/// One writer per run folder: while another process holds the folder's lock, a run there is
/// refused with that process's PID; once it has gone, the run proceeds.
@Test func aRunFolderHeldByAnotherProcessIsRefused() throws {
    let folder = TemporaryFolder()
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    // flock holds the lock while `sh` writes its PID into the file, as a run does, then sleeps.
    holder.arguments = ["-x", "-n", folder.path + "/.lock", "sh", "-c", "echo $$ > '\(folder.path)/.lock'; sleep 30"]
    try holder.run()
    defer { if holder.isRunning { holder.terminate() } }
    var held = false
    for _ in 0..<100 where !held {
        held = ((try? String(contentsOfFile: folder.path + "/.lock", encoding: .utf8)) ?? "").contains(where: \.isNumber)
        if !held { usleep(20_000) }
    }
    try #require(held, "the holder never took the lock")
    let run = DensityRun(config: try Fixture.config(.vae), folder: folder.path)
    #expect {
        try run.execute(resume: false)
    } throws: { error in
        (error as? ConfigError)?.message.contains("in use by another process (PID") == true
    }
    holder.terminate()
    holder.waitUntilExit()
    #expect(try run.execute(resume: false).status == .completed)
}

/// A run never writes into a folder that holds files no run makes (a chapter's output, a data
/// folder): it is refused, and the files are untouched.
@Test func aFolderThatIsNotARunFolderIsRefused() throws {
    let folder = TemporaryFolder()
    let notes = folder.path + "/notes.txt", manifest = folder.path + "/manifest.json"
    try "mine".write(toFile: notes, atomically: true, encoding: .utf8)
    try "{\"chapter\": 4}".write(toFile: manifest, atomically: true, encoding: .utf8)
    #expect {
        try DensityRun(config: try Fixture.config(.vae), folder: folder.path).execute(resume: false)
    } throws: { error in
        (error as? ConfigError)?.message.contains("neither empty nor a run folder (it holds notes.txt)") == true
    }
    #expect(try String(contentsOfFile: notes, encoding: .utf8) == "mine")
    #expect(try String(contentsOfFile: manifest, encoding: .utf8) == "{\"chapter\": 4}")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/checkpoint.h5"))
}

/// The temporary file a killed checkpoint write left behind is removed when the run resumes.
@Test func leftoverTemporaryFilesAreRemoved() throws {
    let folder = TemporaryFolder()
    let leftover = folder.path + "/.checkpoint.h5.4242.x1y2.tmp"
    try "partial".write(toFile: leftover, atomically: true, encoding: .utf8)
    #expect(try DensityRun(config: try Fixture.config(.vae), folder: folder.path).execute(resume: true).status == .completed)
    #expect(!FileManager.default.fileExists(atPath: leftover))
}
