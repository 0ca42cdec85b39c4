import Datasets
import DensityExperiments
import ExperimentRuns
import Foundation
import NeuralNet
import TestSupport
import Testing
import Training

/// What a resumed run checks before it trains on (issue 14): the data it was trained on, the
/// checkpoint's step, and which settings may change; and what it records when one does.
@Suite struct RunReliabilityTests {
    /// A VAE run on the fixture interrupted after iteration 2 (its checkpoint), in `folder`,
    /// whose training data is a private copy (so a test may replace it).
    private static func interruptedRun(in folder: TemporaryFolder) throws -> DensityRunConfig {
        let data = folder.path + "/train.h5"
        try Fixture.prepared.get()
        try FileManager.default.copyItem(atPath: Fixture.trainPath, toPath: data)
        let config = try Fixture.config(.vae, ["data": data])
        #expect(throws: Interrupted.self) {
            try DensityRun(config: config, folder: folder.path + "/run").execute(resume: false) {
                if $0 == 2 { throw Interrupted() }
            }
        }
        return config
    }

    @Test func aReplacedDataFileIsRefusedOnResumeUnlessAllowed() throws {
        let folder = TemporaryFolder()
        let config = try Self.interruptedRun(in: folder)
        // The same path now holds other images (the fixture's test split).
        try FileManager.default.removeItem(atPath: config.density.data)
        try FileManager.default.copyItem(atPath: Fixture.testPath, toPath: config.density.data)
        let run = DensityRun(config: config, folder: folder.path + "/run")
        #expect {
            try run.execute(resume: true)
        } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.contains("is not the data this run was trained on") && message.contains("--allow-other-data")
        }
        let result = try run.execute(resume: ResumePolicy(resume: true, allowOtherData: true))
        #expect(result.status == .completed && result.iterations == config.schedule.iterations)
    }

    @Test func aRunContinuesWithAnAllowedChangeAndRecordsIt() throws {
        let folder = TemporaryFolder()
        var config = try Self.interruptedRun(in: folder)
        config.optimizer.learningRate /= 10
        let run = DensityRun(config: config, folder: folder.path + "/run")
        // Without permission, a changed learning rate is another run.
        #expect {
            try run.execute(resume: true)
        } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.contains("differs in learning_rate") && message.contains("--allow-change")
        }
        // A changed model is never allowed, whatever is asked.
        #expect {
            try run.execute(resume: ResumePolicy(resume: true, allowedChanges: ["hidden_units"]))
        } throws: { error in
            (error as? ConfigError)?.message.contains("a change of model, data, method or seed is a new run") == true
        }
        let result = try run.execute(resume: ResumePolicy(resume: true, allowedChanges: ["learning_rate"]))
        #expect(result.status == .completed)
        let change = try #require(result.configChanges?.first)
        #expect(change.key == "learning_rate" && change.iteration == 2 && change.previousStatus == "unfinished")
        #expect(change.to == (try config.jsonObject())["learning_rate"] && change.from != change.to)
        let manifest = try String(contentsOfFile: folder.path + "/run/manifest.json", encoding: .utf8)
        #expect(manifest.contains("changed_on_resume"))
        // A finished run can be extended the same way: more iterations, from its last checkpoint.
        var longer = config
        longer.schedule.iterations += 2
        let extended = try DensityRun(config: longer, folder: folder.path + "/run")
            .execute(resume: ResumePolicy(resume: true, allowedChanges: ["iterations"]))
        #expect(extended.iterations == longer.schedule.iterations)
        #expect(extended.configChanges?.map(\.key) == ["learning_rate", "iterations"])
        #expect(extended.configChanges?.last?.previousStatus == "completed")
    }

    @Test func aCheckpointStepOutsideTheRunIsRefused() throws {
        let folder = TemporaryFolder()
        let config = try Self.interruptedRun(in: folder)
        let checkpoint = folder.path + "/run/checkpoint.h5"
        // Rewrite the checkpoint with an absurd step and otherwise the same contents.
        let contents = try Checkpoint.inspect(checkpoint)
        let run = DensityRun(config: config, folder: folder.path + "/run")
        let (_, procedure) = try run.makeProcedure(for: try DensityRun.readImages(config.density.data))
        try procedure.restoreCheckpoint(from: checkpoint)
        for step in [-(1 << 62), 1_000_000_000] {
            procedure.iteration = step
            try procedure.saveCheckpoint(to: checkpoint, metadata: contents.metadata)
            #expect {
                try run.execute(resume: true)
            } throws: { error in
                (error as? ConfigError)?.message.contains("says it was written at step \(step), outside 0…4") == true
            }
        }
    }
}
