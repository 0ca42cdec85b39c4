import ExperimentRuns
import Foundation
import MixtureExperiments
import Testing
import Training

@Suite struct ConfigTests {
    static func decode(_ json: String) throws -> MixtureRunConfig {
        try MixtureRunConfig.decode(Data(json.utf8), over: MixtureRunConfig(), source: "test.json")
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch let error as ConfigError { return error.message } catch { return "\(error)" }
        return ""
    }

    @Test func keysOverrideTheDefaultsAndTheRestStays() throws {
        let config = try Self.decode(#"{"method": "mbgan", "gamma": 0.5, "n_disc": 2, "snapshot_iterations": [5]}"#)
        #expect(config.method == .mbgan && config.gamma == 0.5 && config.discriminatorSteps == 2)
        #expect(config.snapshotIterations == [5])
        #expect(config.width == 512 && config.iterations == 20_000 && config.batchSize == 64)
    }

    @Test func mistakesNameTheKeyAndTheFix() {
        let unknown = Self.message { _ = try Self.decode(#"{"gama": 0.2}"#) }
        #expect(unknown.contains("unknown setting 'gama'") && unknown.contains("did you mean 'gamma'"))
        let wrongType = Self.message { _ = try Self.decode(#"{"width": "wide"}"#) }
        #expect(wrongType.contains("'width'") && wrongType.contains("an integer"))
        let badMethod = Self.message { _ = try Self.decode(#"{"method": "bgn"}"#) }
        #expect(badMethod.contains("'method'") && badMethod.contains("mbgan"))
        #expect(Self.message { _ = try Self.decode("[1, 2]") }.contains("one JSON object"))
        #expect(Self.message { _ = try Self.decode("{") }.contains("not valid JSON"))
    }

    @Test func validationRejectsSettingsThatCannotRun() throws {
        var config = MixtureRunConfig()
        config.gamma = 0.7
        #expect(Self.message { try config.validate() }.contains("gamma = 0.7"))
        config = MixtureRunConfig()
        config.method = .pacgan
        config.batchSize = 63
        #expect(Self.message { try config.validate() }.contains("multiple of pack"))
        config = MixtureRunConfig()
        config.dataset = "spiral"
        #expect(Self.message { try config.validate() }.contains("squares"))
        config = MixtureRunConfig()
        config.iterations = 0
        #expect(Self.message { try config.validate() }.contains("iterations = 0"))
    }

    /// Sizes that would overflow or exhaust memory are refused by name before anything is
    /// allocated (issue 14's probes: each of these used to trap).
    @Test func absurdSizesAreRefusedBeforeAnythingIsAllocated() throws {
        let cases: [(String, String)] = [
            (#"{"modes": -1}"#, "modes = -1"), (#"{"modes": 9223372036854775807}"#, "modes = 9223372036854775807"),
            (#"{"width": 4294967296}"#, "width = 4294967296 must be in 1…65536"),
            (#"{"depth": 1000000000000}"#, "depth = 1000000000000"),
            (#"{"batch_size": 4611686018427387904}"#, "batch_size"),
            (#"{"evaluation_samples": 1099511627776}"#, "evaluation_samples"),
            (#"{"latent_size": 9223372036854775807}"#, "latent_size"),
            (#"{"std": 0}"#, "std = 0.0 must be a positive finite number"),
            (#"{"width": 65536, "depth": 1024}"#, "more than this machine's"),
        ]
        for (json, expected) in cases {
            let message = Self.message { try Self.decode(json).validate() }
            #expect(message.contains(expected), "\(json): \(message)")
        }
    }

    /// A failure without a key path (a negative number for an unsigned setting) still names the key.
    @Test func aNegativeSeedIsNamed() {
        #expect(Self.message { _ = try Self.decode(#"{"seed": -1}"#) }.contains("'seed'"))
    }

    @Test func layoutOverridesChangeTheMixture() throws {
        var config = MixtureRunConfig()
        config.modes = 49
        config.spacing = 0.5
        config.std = 0.01
        let grid = try config.makeMixture()
        #expect(grid.modeCount == 49 && grid.standardDeviation == 0.01)
        #expect(grid.centerScalars[2] - grid.centerScalars[0] == 0.5)
        config.modes = 24
        #expect(Self.message { _ = try config.makeMixture() }.contains("not a square number"))
        config = MixtureRunConfig()
        config.dataset = "ring8"
        config.modes = 12
        let ring = try config.makeMixture()
        #expect(ring.modeCount == 12 && abs(ring.centerScalars[0] - 1) < 1e-6)
    }

    @Test func namesAndLabels() {
        var config = MixtureRunConfig()
        #expect(config.runName == "squares-bgan-g0.3-s0")
        #expect(config.lossPlacementLabel == "batch: sigmoid(mean logit)")
        config.method = .gan
        config.seed = 2
        #expect(config.runName == "squares-gan-s2" && config.gammaLabel == nil)
    }
}

/// The example configs shipped in Experiments/Chapter4/configs decode and validate.
@Suite struct ShippedConfigTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Experiments/Chapter4/configs").standardized.path

    @Test func everyShippedConfigIsRunnable() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 4)
        for name in names {
            let data = try #require(FileManager.default.contents(atPath: Self.folder + "/" + name))
            let config = try MixtureRunConfig.decode(data, over: MixtureRunConfig(), source: name)
            try config.validate()
        }
    }
}
