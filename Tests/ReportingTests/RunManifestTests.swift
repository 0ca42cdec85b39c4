import Foundation
import Reporting
import TestSupport
import Testing

/// Manifests survive a JSON round trip, record the commit, and are written atomically.
@Suite struct RunManifestTests {
    private func manifest() -> RunManifest {
        var manifest = RunManifest.start(
            name: "ch4-squares-bgan", seed: 18_446_744_073_709_551_557,  // largest 64-bit prime: JSON must keep it exact
            config: ["iterations": 20000, "gamma": 0.3, "loss": "M-BGAN", "hidden": [512, 512], "nested": ["a": true, "b": nil]],
            evaluationProtocol: ["samples": 2500, "hq_radius_sigmas": 3],
            now: Date(timeIntervalSince1970: 1_700_000_000.125))
        manifest.finish(now: Date(timeIntervalSince1970: 1_700_000_062.625))
        return manifest
    }

    @Test func jsonRoundTrip() throws {
        let folder = TemporaryFolder()
        let original = manifest()
        #expect(original.wallSeconds == 62.5)
        let path = folder.file("manifest.json")
        try original.write(to: path)
        let restored = try RunManifest.read(from: path)
        #expect(restored == original)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"seed\" : 18446744073709551557"))
        #expect(text.contains("\"startTime\" : \"2023-11-14T22:13:20.125Z\""))
        #expect(text.contains("\"openblas_core\""))
        #expect(throws: ReportingError.fileExists(path: path)) { try original.write(to: path) }
        #expect(try folder.listing() == ["manifest.json"])
    }

    @Test func gitCommitIsReadOrUnknown() throws {
        let folder = TemporaryFolder()
        #expect(RunManifest.currentGitCommit(in: folder.path) == "unknown", "a folder outside any repository")
        let commit = manifest().gitCommit
        #expect(commit == "unknown" || (commit.count == 40 && commit.allSatisfy(\.isHexDigit)))
    }

    @Test func unencodableAndUnreadableManifestsThrow() throws {
        let folder = TemporaryFolder()
        var bad = manifest()
        bad.config["loss"] = .number(.nan)
        let error = #expect(throws: ReportingError.self) { try bad.write(to: folder.file("bad.json")) }
        #expect(error?.description.contains("NaN and infinite numbers have no JSON form") == true)
        try AtomicFile.write("{\"name\": 1}", to: folder.file("other.json"))
        #expect(throws: ReportingError.self) { try RunManifest.read(from: folder.file("other.json")) }
        #expect(throws: ReportingError.self) { try RunManifest.read(from: folder.file("absent.json")) }
    }
}
