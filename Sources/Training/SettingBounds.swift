import Foundation
import SystemLimits

/// Upper bounds on the sizes and counts a config may ask for, so that an absurd value
/// (`--width 4294967296`, `evaluation_samples=2^40`) is an error naming the key before
/// anything is allocated, not a crash inside an allocation or an integer overflow. The bounds
/// are far above every experiment of the thesis; `MemoryBudget` checks what is left.
public enum SettingBounds {
    /// Units of a dense layer, channels, latent sizes: 1…65,536.
    public static let units = 1...65_536
    /// Layers, blocks, couplings, scales: 1…1,024.
    public static let layers = 1...1_024
    /// Examples in a batch, samples in an evaluation or a grid: 1…10⁷.
    public static let samples = 1...10_000_000
    /// Iterations and step counts: 1…10⁹.
    public static let steps = 1...1_000_000_000
}

/// Throws a `ConfigError` naming the first of `counts` outside `range`.
public func requireCounts(_ counts: KeyValuePairs<String, Int>, in range: ClosedRange<Int>) throws {
    for (name, value) in counts {
        try requireSetting(range.contains(value), "\(name) = \(value) must be in \(range.lowerBound)…\(range.upperBound)")
    }
}

/// What a run's config may ask of memory (`MemoryLimit`: physical, cgroup, environment).
public enum MemoryBudget {
    /// Throws a `ConfigError` when `bytes` (estimated, as a Double so that it cannot overflow)
    /// exceed the memory limit; `what` says what needs them, `lower` which settings to lower.
    public static func require(_ bytes: Double, for what: String, lower settings: String) throws {
        guard MemoryLimit.allows(bytes) else {
            throw ConfigError("\(what) would need about \(MemoryLimit.gibibytes(bytes)), \(MemoryLimit.phrase); lower \(settings)")
        }
    }
}
