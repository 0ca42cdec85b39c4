import Foundation

/// A configuration decoded from JSON over a set of defaults: keys present in the JSON
/// replace the default values, unknown keys are an error (a misspelt key must never be
/// silently ignored), and type mistakes name the key.
public protocol StrictlyDecodableConfig: Codable {
    /// Every key the JSON form may contain.
    static var configKeys: [String] { get }
    /// The values a key accepts, when it takes one of a few names (for error messages).
    static func allowedValues(forKey key: String) -> [String]?
}

extension StrictlyDecodableConfig {
    /// `defaults` with the values of the JSON object `data` (from `source`, for messages)
    /// laid over it.
    public static func decode(_ data: Data, over defaults: Self, source: String) throws -> Self {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ConfigError("\(source) is not valid JSON (\(error.localizedDescription)); write one JSON object such as {\"method\": \"bgan\"}")
        }
        guard let overrides = object as? [String: Any] else {
            throw ConfigError("\(source) must hold one JSON object of settings, e.g. {\"method\": \"bgan\", \"gamma\": 0.3}")
        }
        return try decode(overrides: overrides, over: defaults, source: source)
    }

    /// `defaults` with `overrides` (JSON-compatible values by key) laid over it.
    public static func decode(overrides: [String: Any], over defaults: Self, source: String) throws -> Self {
        for key in overrides.keys.sorted() where !configKeys.contains(key) {
            let hint = closestKey(to: key).map { " — did you mean '\($0)'?" } ?? ""
            throw ConfigError("unknown setting '\(key)' in \(source)\(hint) Known settings: \(configKeys.sorted().joined(separator: ", "))")
        }
        let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults)) as? [String: Any] ?? [:]
        func decodeMerged(_ overrides: [String: Any]) throws -> Self {
            try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: base.merging(overrides) { _, new in new }))
        }
        do {
            return try decodeMerged(overrides)
        } catch let error as DecodingError {
            // Some failures (a negative number for an unsigned setting) carry no key path; the
            // culprit is the first override that fails on its own.
            let culprit = error.context.map(keyPath).flatMap { $0.isEmpty ? nil : $0 }
                ?? overrides.keys.sorted().first { key in (try? decodeMerged([key: overrides[key]!])) == nil }
                ?? "?"
            switch error {
            case let .typeMismatch(type, context), let .valueNotFound(type, context):
                throw ConfigError("setting '\(culprit)' in \(source) must be \(describe(type)) (\(context.debugDescription))")
            default:
                let allowed = allowedValues(forKey: culprit).map { "; use one of: " + $0.joined(separator: ", ") } ?? ""
                let value = overrides[culprit].map { " = \($0)" } ?? ""
                throw ConfigError("setting '\(culprit)'\(value) in \(source) cannot be read: "
                                  + "\(error.context?.debugDescription ?? "\(error)")\(allowed)")
            }
        }
    }

    /// The known key nearest to `key` in edit distance, when it is close.
    static func closestKey(to key: String) -> String? {
        let scored = configKeys.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
        return best
    }
}

extension DecodingError {
    /// The context of the failure, whatever its kind.
    var context: Context? {
        switch self {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .keyNotFound(_, context),
             let .dataCorrupted(context):
            return context
        @unknown default:
            return nil
        }
    }
}

private func keyPath(_ context: DecodingError.Context) -> String {
    context.codingPath.map(\.stringValue).joined(separator: ".")
}

private func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Int.Type: return "an integer"
    case is Float.Type, is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    default: return "a value of type \(type)"
    }
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}

/// A group of related settings (an optimiser, a mixing prior, a schedule) that reads and
/// writes its own snake_case keys in a run config's one flat JSON object, so that configs
/// are compositions of shared groups while their files stay flat:
/// `{"method": "mbgan", "gamma": 0.3, "learning_rate": 0.001, "iterations": 2000}`.
/// Its synthesized `Codable` reads and writes the keys of its `CodingKeys`.
public protocol SettingsGroup: Codable, Equatable, Sendable {
    /// The keys this group reads and writes.
    static var keys: [String] { get }
    /// The values a key accepts, when it takes one of a few names (for error messages).
    static func allowedValues(forKey key: String) -> [String]?
    /// Throws a `ConfigError` naming the first setting that cannot be run and the fix.
    func validate() throws
}

extension SettingsGroup {
    public static func allowedValues(forKey key: String) -> [String]? { nil }
}

/// A run config made of settings groups laid flat in one JSON object: its keys are the
/// groups' keys (which must not overlap) and its `init(from:)` / `encode(to:)` hand the same
/// decoder or encoder to each group in turn.
public protocol SettingsComposite: StrictlyDecodableConfig {
    /// The groups' types, in the order the config decodes them.
    static var groups: [any SettingsGroup.Type] { get }
}

extension SettingsComposite {
    public static var configKeys: [String] { groups.flatMap { $0.keys } }

    public static func allowedValues(forKey key: String) -> [String]? {
        groups.first { $0.keys.contains(key) }?.allowedValues(forKey: key)
    }
}

/// Throws `ConfigError(message)` unless `condition` holds.
public func requireSetting(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ConfigError(message()) }
}
