import Foundation

/// The memory this process may plan for: the smallest of the machine's physical memory, the
/// control group's limit (a container's, or a Slurm job's `--mem`: `memory.max` of cgroup v2,
/// `memory.limit_in_bytes` of v1) and `MIXEDBATCH_MEMORY_LIMIT` (bytes, or with a K, M or G
/// suffix: `MIXEDBATCH_MEMORY_LIMIT=8G`). Every check that refuses a size "more than this
/// machine's memory" before allocating (HDF5 reads, image headers, run configs) asks here.
public enum MemoryLimit {
    public static let bytes: Double = {
        var limit = Double(ProcessInfo.processInfo.physicalMemory)
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                limit = min(limit, value)
            }
        }
        if let text = ProcessInfo.processInfo.environment["MIXEDBATCH_MEMORY_LIMIT"], let value = parse(text) {
            limit = min(limit, value)
        }
        return limit
    }()

    /// `text` as bytes: a number, optionally followed by K, M or G (powers of 1,024).
    static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let scales: [Character: Double] = ["K": 1_024, "M": 1_048_576, "G": 1_073_741_824]
        if let last = trimmed.last, let scale = scales[last], let value = Double(trimmed.dropLast()), value > 0 {
            return value * scale
        }
        return Double(trimmed).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Whether `bytes` (a Double, so that no product of sizes can overflow) fit.
    public static func allows(_ bytes: Double) -> Bool { bytes.isFinite && bytes <= Self.bytes }

    /// `bytes` in GiB for messages ("3.2 GiB").
    public static func gibibytes(_ bytes: Double) -> String {
        bytes.isFinite ? String(format: "%.1f GiB", bytes / 1_073_741_824) : "an unbounded amount"
    }

    /// "more than this machine's 23.5 GiB of memory" (naming `MIXEDBATCH_MEMORY_LIMIT` when it set the limit).
    public static var phrase: String {
        let fromEnvironment = ProcessInfo.processInfo.environment["MIXEDBATCH_MEMORY_LIMIT"].flatMap(parse) == bytes
        return "more than " + (fromEnvironment ? "MIXEDBATCH_MEMORY_LIMIT's" : "this machine's") + " \(gibibytes(bytes)) of memory"
    }
}
