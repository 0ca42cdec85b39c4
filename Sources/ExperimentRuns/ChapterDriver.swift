import Foundation
import Training

/// What every chapter's driver (`Experiments/Chapter4`, `Chapter5`) shares around its run grids.
public enum ChapterDriver {
    /// The seeds of a list such as `0,1`; nil when it is empty or not all integers.
    public static func seeds(_ list: String) -> [UInt64]? {
        let seeds = list.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seeds.isEmpty, seeds.allSatisfy({ $0 != nil }) else { return nil }
        return seeds.compactMap { $0 }
    }

    /// The `mixedbatch` worker next to the running executable; a `ConfigError` naming the make
    /// target that builds both when it is missing.
    public static func worker(makeTarget: String) throws -> URL {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let worker = folder.appendingPathComponent("mixedbatch")
        guard FileManager.default.isExecutableFile(atPath: worker.path) else {
            throw ConfigError("the worker \(worker.path) is missing; build it with `make \(makeTarget)` "
                              + "(or swift build --product mixedbatch)")
        }
        return worker
    }

    /// Writes the failed runs, one per line, to standard error; whether there were any.
    public static func reportFailures(_ failures: [String]) -> Bool {
        guard !failures.isEmpty else { return false }
        FileHandle.standardError.write(Data(("\(failures.count) run(s) failed:\n" + failures.joined(separator: "\n") + "\n").utf8))
        return true
    }
}
