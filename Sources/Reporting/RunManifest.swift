import CPNG
import Foundation
import TensorCore

/// What a run was: written as `manifest.json` next to its tables and figures, so every number
/// can be traced to its configuration, seed, code version, libraries and evaluation protocol.
///
/// ```swift
/// var manifest = RunManifest.start(name: "ch4-squares-bgan", seed: 3,
///                                  config: ["iterations": 20000, "gamma": 0.3],
///                                  evaluationProtocol: ["samples": 2500, "hq_radius_sigmas": 3])
/// … train and evaluate …
/// manifest.finish()
/// try manifest.write(to: "results/ch4/squares-bgan-3/manifest.json")
/// ```
public struct RunManifest: Codable, Equatable, Sendable {
    public var name: String
    public var seed: UInt64
    public var config: [String: JSONValue]
    /// How the numbers were measured: sample counts, thresholds, feature extractor, …
    public var evaluationProtocol: [String: JSONValue]
    /// `git rev-parse HEAD` of the working folder when the run started, or `"unknown"`.
    public var gitCommit: String
    /// Library and toolchain versions (`openblas_core`, `swift`, `libpng`).
    public var libraries: [String: String]
    /// The machine: host name, processor count, `OPENBLAS_CORETYPE`.
    public var machine: [String: String]
    public var startTime: Date
    public var endTime: Date?
    public var wallSeconds: Double?

    public init(name: String, seed: UInt64, config: [String: JSONValue] = [:],
                evaluationProtocol: [String: JSONValue] = [:], gitCommit: String, libraries: [String: String],
                machine: [String: String], startTime: Date, endTime: Date? = nil, wallSeconds: Double? = nil) {
        self.name = name
        self.seed = seed
        self.config = config
        self.evaluationProtocol = evaluationProtocol
        self.gitCommit = gitCommit
        self.libraries = libraries
        self.machine = machine
        self.startTime = startTime
        self.endTime = endTime
        self.wallSeconds = wallSeconds
    }

    /// A manifest for a run starting now, with the commit, library versions and machine filled in.
    public static func start(name: String, seed: UInt64, config: [String: JSONValue] = [:],
                             evaluationProtocol: [String: JSONValue] = [:], now: Date = Date()) -> RunManifest {
        RunManifest(name: name, seed: seed, config: config, evaluationProtocol: evaluationProtocol,
                    gitCommit: currentGitCommit(), libraries: libraryVersions(), machine: machineDescription(),
                    startTime: now)
    }

    /// Records the end time and the wall-clock duration.
    public mutating func finish(now: Date = Date()) {
        endTime = now
        wallSeconds = now.timeIntervalSince(startTime)
    }

    /// Pretty-printed JSON with sorted keys and ISO 8601 times (millisecond precision, UTC).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timeFormatter().string(from: date))
        }
        do {
            return try encoder.encode(self)
        } catch {
            throw ReportingError.invalidArgument(
                operation: "RunManifest", detail: "cannot be encoded as JSON (\(error)); NaN and infinite numbers "
                    + "have no JSON form — store them as strings")
        }
    }

    /// Writes `jsonData()` to `path` atomically.
    public func write(to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try AtomicFile.write(jsonData(), to: path, existing: existing)
    }

    /// Reads a manifest written by `write(to:)`.
    public static func read(from path: String) throws -> RunManifest {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportingError.cannotRead(path: path, detail: "\(error.localizedDescription) — check the path")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = timeFormatter().date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
            }
            return date
        }
        do {
            return try decoder.decode(RunManifest.self, from: data)
        } catch {
            throw ReportingError.cannotRead(path: path, detail: "not a run manifest (\(error)) — pass a manifest.json written by RunManifest.write")
        }
    }

    /// The commit checked out in `folder` (default: the current folder), or `"unknown"` when
    /// git or the repository is not there. Read-only: runs `git rev-parse HEAD`.
    public static func currentGitCommit(in folder: String? = nil) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "unknown"
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let commit = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, commit.count == 40 || commit.count == 64,
              commit.allSatisfy(\.isHexDigit) else { return "unknown" }
        return commit
    }

    /// Versions of what computes and writes the numbers.
    public static func libraryVersions() -> [String: String] {
        [
            "openblas_core": OpenBLASKernels.coreName,
            "swift": swiftCompilerVersion,
            "libpng": png_get_libpng_ver(nil).map { String(cString: $0) } ?? "unknown",
        ]
    }

    /// The machine the run used.
    public static func machineDescription() -> [String: String] {
        let info = ProcessInfo.processInfo
        return [
            "host": info.hostName,
            "processors": String(info.activeProcessorCount),
            "openblas_coretype_env": info.environment["OPENBLAS_CORETYPE"] ?? "",
        ]
    }

    /// The compiler that built this module (major.minor).
    static var swiftCompilerVersion: String {
        #if compiler(>=6.5)
        return ">=6.5"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "<6.1"
        #endif
    }

    private static func timeFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
