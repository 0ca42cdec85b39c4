import Foundation
import Reporting
import Training

/// What a run's array task asks Slurm for (`#SBATCH` lines); every key optional, so that a
/// family's entry overrides only what it names.
public struct SlurmResources: Codable, Equatable, Sendable {
    public var partition: String?
    public var account: String?
    public var qos: String?
    /// Wall-clock limit per run, Slurm's format (`2-00:00:00`, `12:00:00`).
    public var time: String?
    public var cpusPerTask: Int?
    /// Memory per node (`16G`).
    public var mem: String?
    /// MPI ranks per run (`srun` starts them; every training family is data-parallel).
    public var ntasks: Int?
    /// At most this many runs of an array at once (`--array=…%N`).
    public var maxParallel: Int?
    /// Further `#SBATCH` options, verbatim (`--gres=gpu:1`, `--constraint=avx512`).
    public var directives: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case partition, account, qos, time, mem, ntasks, directives
        case cpusPerTask = "cpus_per_task", maxParallel = "max_parallel"
    }

    public init() {}

    /// `self` with the keys `other` sets replaced.
    func overridden(by other: SlurmResources?) -> SlurmResources {
        guard let other else { return self }
        var merged = self
        merged.partition = other.partition ?? partition
        merged.account = other.account ?? account
        merged.qos = other.qos ?? qos
        merged.time = other.time ?? time
        merged.cpusPerTask = other.cpusPerTask ?? cpusPerTask
        merged.mem = other.mem ?? mem
        merged.ntasks = other.ntasks ?? ntasks
        merged.maxParallel = other.maxParallel ?? maxParallel
        merged.directives = other.directives ?? directives
        return merged
    }
}

/// The Slurm executor's settings (`--slurm-config file.json`, documented in
/// `Experiments/Slurm/resources.json`): the resources of every run, overrides by family
/// (`train2d`, `train-image`, `train-density`, `train-flowgan`, `train-ade`), the lines that
/// prepare a task's environment, and how often the driver polls the queue.
public struct SlurmSettings: Equatable, Sendable {
    /// Every run's resources (the file's top-level resource keys over these defaults).
    public var resources: SlurmResources
    public var families: [String: SlurmResources] = [:]
    /// `module load` arguments, one line each (`openmpi/4.1`).
    public var modules: [String] = []
    /// Shell lines run before the worker (`source ~/venv/bin/activate`).
    public var setup: [String] = []
    /// `srun --mpi=` for runs of several ranks (`pmix`, `pmi2`).
    public var mpi = "pmix"
    public var pollSeconds = 30.0

    public init() {
        resources = SlurmResources()
        resources.time = "1-00:00:00"
        resources.cpusPerTask = 2
        resources.mem = "8G"
        resources.ntasks = 1
    }

    static let topLevelKeys = Set(SlurmResources.CodingKeys.allCases.map(\.rawValue))
        .union(["families", "modules", "setup", "mpi", "poll_seconds", "comment"])

    /// Reads the settings file; unknown keys and bad values are `ConfigError`s naming them.
    public static func read(from path: String) throws -> SlurmSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read the Slurm settings \(path); check the path (an example: Experiments/Slurm/resources.json)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigError("\(path) is not a JSON object of Slurm settings (see Experiments/Slurm/resources.json)")
        }
        if let unknown = object.keys.sorted().first(where: { !topLevelKeys.contains($0) }) {
            throw ConfigError("\(path): unknown key '\(unknown)'; the keys are \(topLevelKeys.sorted().joined(separator: ", "))")
        }
        var settings = SlurmSettings()
        do {
            let decoder = JSONDecoder()
            settings.resources = settings.resources.overridden(by: try decoder.decode(SlurmResources.self, from: data))
            let rest = try decoder.decode(Rest.self, from: data)
            for (family, entry) in rest.families ?? [:] {
                let keys = ((object["families"] as? [String: Any])?[family] as? [String: Any])?.keys.sorted() ?? []
                if let unknown = keys.first(where: { SlurmResources.CodingKeys(rawValue: $0) == nil }) {
                    throw ConfigError("\(path): families.\(family) has the unknown key '\(unknown)'")
                }
                settings.families[family] = entry
            }
            settings.modules = rest.modules ?? []
            settings.setup = rest.setup ?? []
            settings.mpi = rest.mpi ?? settings.mpi
            settings.pollSeconds = rest.pollSeconds ?? settings.pollSeconds
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError("\(path): \(error); see Experiments/Slurm/resources.json for the keys and their types")
        }
        try settings.validate(source: path)
        return settings
    }

    private struct Rest: Decodable {
        var families: [String: SlurmResources]?
        var modules: [String]?
        var setup: [String]?
        var mpi: String?
        var pollSeconds: Double?
        enum CodingKeys: String, CodingKey { case families, modules, setup, mpi, pollSeconds = "poll_seconds" }
    }

    func validate(source: String) throws {
        for (name, entry) in [("", resources)] + families.sorted(by: { $0.key < $1.key }).map({ ("families.\($0.key).", $0.value) }) {
            if let value = entry.cpusPerTask, value < 1 { throw ConfigError("\(source): \(name)cpus_per_task = \(value) must be ≥ 1") }
            if let value = entry.ntasks, value < 1 { throw ConfigError("\(source): \(name)ntasks = \(value) must be ≥ 1") }
            if let value = entry.maxParallel, value < 1 { throw ConfigError("\(source): \(name)max_parallel = \(value) must be ≥ 1") }
        }
        guard pollSeconds > 0, pollSeconds.isFinite else { throw ConfigError("\(source): poll_seconds must be positive") }
    }

    /// The resources of a run of the family trained by `mixedbatch <subcommand>`.
    public func resources(for subcommand: String) -> SlurmResources {
        resources.overridden(by: families[subcommand])
    }

    var manifestEntry: JSONValue {
        var entry: [String: JSONValue] = ["mpi": .string(mpi), "modules": .array(modules.map(JSONValue.string))]
        if let data = try? JSONEncoder().encode(resources), let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            entry["resources"] = value
        }
        return .object(entry)
    }
}
