import Foundation

/// A fresh folder under the system's temporary folder (`mixedbatch-tests-<UUID>`), removed with
/// everything in it when the value goes away — and, for a suite's fixture held in a `static let`
/// (which never goes away), when the test process exits: no test leaves files behind.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    /// With `create: false` only the path is reserved, for code under test that must make the
    /// folder itself (a run folder). A folder that cannot be made shows as the first write's error.
    public init(create: Bool = true) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mixedbatch-tests-\(UUID().uuidString)").path
        if create { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        _ = Self.live.withLock { $0.insert(path) }
    }

    deinit {
        Self.remove(path)
        _ = Self.live.withLock { $0.remove(path) }
    }

    /// The path of `name` in the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Names of everything in the folder, hidden files included, sorted.
    public func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    private static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// The folders not yet removed; made on first use, which also registers their removal at exit.
    private static let live: Locked<Set<String>> = {
        atexit { TemporaryFolder.live.withLock { paths in paths.forEach(TemporaryFolder.remove) } }
        return Locked([])
    }()
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
