import HDF5IO
import TensorCore

/// Saves and restores everything a training run needs to resume exactly: modules'
/// parameters, buffers and random states, optimiser states, free-standing random streams,
/// the step and free-form metadata — in one HDF5 file that h5py reads
/// (`f["modules/generator/layers.0.weight"]`; the layout is in `CheckpointLayout`).
///
/// ```swift
/// try Checkpoint.save(to: "results/run/checkpoint.h5", step: step,
///                     modules: ["generator": generator, "critic": critic],
///                     optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer],
///                     randomStreams: ["data": dataStream], metadata: ["config": configText],
///                     overwrite: true)
/// let saved = try Checkpoint.restore(from: "results/run/checkpoint.h5",
///                                    modules: ["generator": generator, "critic": critic],
///                                    optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer])
/// dataStream = try saved.randomStream("data")
/// ```
///
/// Saving writes a temporary file and renames it, so an interrupted save never leaves a
/// broken checkpoint; every dataset carries a Fletcher-32 checksum, so a damaged byte in a
/// weight makes restoring fail instead of training on from a wrong value. Restoring first compares the file with every module and optimiser
/// and reports all mismatches in one `CheckpointError.mismatch`; only when everything fits
/// are values written, in place, into the existing parameters, buffers and random states.
public enum Checkpoint {
    /// The checkpoint format version this library writes and the newest it reads.
    public static var formatVersion: Int { CheckpointLayout.version }

    /// Writes a checkpoint to `path`. An existing file is replaced only with `overwrite: true`.
    public static func save(to path: String, step: Int,
                            modules: [String: Module] = [:],
                            optimizers: [String: any CheckpointableState] = [:],
                            randomStreams: [String: RandomStream] = [:],
                            metadata: [String: String] = [:],
                            overwrite: Bool = false) throws {
        try modules.keys.forEach { try CheckpointLayout.validate($0, kind: "module") }
        try optimizers.keys.forEach { try CheckpointLayout.validate($0, kind: "optimizer") }
        try randomStreams.keys.forEach { try CheckpointLayout.validate($0, kind: "random stream") }
        try metadata.keys.forEach { try CheckpointLayout.validate($0, kind: "metadata") }
        let optimizerStates = optimizers.mapValues(\.checkpointState)
        for (name, state) in optimizerStates { try validate(state, of: name) }

        try HDF5File.writeAtomically(to: path, overwrite: overwrite, checksummed: true) { file in
            try file.attributes.set(CheckpointLayout.formatAttribute, CheckpointLayout.formatName)
            try file.attributes.set(CheckpointLayout.versionAttribute, Int64(CheckpointLayout.version))
            try file.attributes.set(CheckpointLayout.stepAttribute, Int64(step))
            let metadataGroup = try file.createGroup(CheckpointLayout.metadataGroup)
            for (key, value) in metadata { try metadataGroup.attributes.set(key, value) }

            try file.createGroup(CheckpointLayout.modulesGroup)
            for (name, module) in modules {
                let group = try file.createGroup(CheckpointLayout.module(name))
                for (path, entry) in ModuleStateEntry.entries(of: module) { try entry.write(to: group, at: path) }
            }

            try file.createGroup(CheckpointLayout.optimizersGroup)
            for (name, state) in optimizerStates {
                let group = try file.createGroup(CheckpointLayout.optimizer(name))
                for (key, tensor) in state.tensors { try group.write(tensor, to: key) }
                for (key, value) in state.counters { try group.attributes.set(key, value) }
                for (key, value) in state.scalars { try group.attributes.set(key, value) }
            }

            let randomGroup = try file.createGroup(CheckpointLayout.randomGroup)
            for (name, stream) in randomStreams {
                try randomGroup.write(RandomStreamCoding.encode(stream), shape: RandomStreamCoding.shape, to: name)
            }
        }
    }

    /// Restores the named modules and optimisers from the checkpoint at `path` and returns its
    /// step, metadata and random streams. Modules and optimisers of the file that are not
    /// asked for are ignored (restore just the generator of a GAN checkpoint, say).
    ///
    /// Throws `CheckpointError.mismatch` listing every missing, unexpected, wrongly shaped or
    /// wrongly typed entry, and `HDF5Error` for a missing, truncated or foreign file; in both
    /// cases no module or optimiser has changed.
    @discardableResult
    public static func restore(from path: String, modules: [String: Module] = [:],
                               optimizers: [String: any CheckpointableState] = [:]) throws -> CheckpointContents {
        let file = try HDF5File.open(path)
        let contents = try readContents(of: file)
        var problems: [String] = []

        var matchedEntries: [(entry: ModuleStateEntry, dataset: HDF5Dataset)] = []
        for (name, module) in modules.sorted(by: { $0.key < $1.key }) {
            let (moduleProblems, matched) = try match(module, named: name, in: file, contents: contents)
            problems += moduleProblems
            matchedEntries += matched
        }

        var savedStates: [(name: String, optimizer: any CheckpointableState, state: CheckpointState)] = []
        for (name, optimizer) in optimizers.sorted(by: { $0.key < $1.key }) {
            guard contents.optimizerNames.contains(name) else {
                problems.append("optimizer '\(name)' is not in the checkpoint (it holds \(listing(contents.optimizerNames)))")
                continue
            }
            let (state, stateProblems) = try readState(ofOptimizer: name, in: file)
            problems += stateProblems
            if stateProblems.isEmpty { savedStates.append((name, optimizer, state)) }
        }

        // Read every value before changing anything, so a read failure changes nothing either.
        let assignments = problems.isEmpty ? try matchedEntries.map { try $0.entry.stage(from: $0.dataset) } : []

        // Optimisers validate their own state; restore them one by one, rolling back on any problem.
        var rollbacks: [(optimizer: any CheckpointableState, snapshot: CheckpointState)] = []
        for (name, optimizer, state) in savedStates {
            let snapshot = optimizer.checkpointState
            do {
                try optimizer.restoreCheckpointState(state)
                rollbacks.append((optimizer, snapshot))
            } catch {
                problems.append("optimizer '\(name)': \(error)")
            }
        }
        guard problems.isEmpty else {
            for (optimizer, snapshot) in rollbacks.reversed() { try? optimizer.restoreCheckpointState(snapshot) }
            throw CheckpointError.mismatch(file: path, problems: problems)
        }
        assignments.forEach { $0() }
        return contents
    }

    /// The step, metadata, random streams and names saved in the checkpoint at `path`,
    /// without restoring anything (to read the config before building the model).
    public static func inspect(_ path: String) throws -> CheckpointContents {
        try readContents(of: HDF5File.open(path))
    }

    // MARK: - Reading

    private static func readContents(of file: HDF5File) throws -> CheckpointContents {
        let path = file.filePath
        guard try file.attributes.contains(CheckpointLayout.formatAttribute) else {
            let datasets = try file.datasetPaths()
            throw CheckpointError.notACheckpoint(file: path, detail: "it has no '\(CheckpointLayout.formatAttribute)' attribute; "
                + "it holds \(listing(Array(datasets.prefix(8))))\(datasets.count > 8 ? " and \(datasets.count - 8) more" : "")")
        }
        let format = try file.attributes.string(CheckpointLayout.formatAttribute)
        guard format == CheckpointLayout.formatName else {
            throw CheckpointError.notACheckpoint(file: path, detail: "its format is '\(format)', not '\(CheckpointLayout.formatName)'")
        }
        let version = try file.attributes.value(CheckpointLayout.versionAttribute, as: Int64.self)
        guard version <= CheckpointLayout.version else {
            throw CheckpointError.unsupportedVersion(file: path, version: Int(version), supported: CheckpointLayout.version)
        }
        let metadataGroup = try file.group(CheckpointLayout.metadataGroup)
        var metadata: [String: String] = [:]
        for key in try metadataGroup.attributes.names() { metadata[key] = try metadataGroup.attributes.string(key) }
        let randomGroup = try file.group(CheckpointLayout.randomGroup)
        var streams: [String: RandomStream] = [:]
        for name in try randomGroup.datasetPaths() {
            streams[name] = RandomStreamCoding.decode(try randomGroup.read(name, as: UInt64.self, shape: RandomStreamCoding.shape).values)
        }
        return CheckpointContents(path: path,
                                  step: Int(try file.attributes.value(CheckpointLayout.stepAttribute, as: Int64.self)),
                                  metadata: metadata, randomStreams: streams,
                                  moduleNames: try file.group(CheckpointLayout.modulesGroup).memberNames(),
                                  optimizerNames: try file.group(CheckpointLayout.optimizersGroup).memberNames())
    }

    /// Compares a module's entries with the datasets saved for it: the problems, and the
    /// pairs that fit.
    private static func match(_ module: Module, named name: String, in file: HDF5File,
                              contents: CheckpointContents) throws -> ([String], [(entry: ModuleStateEntry, dataset: HDF5Dataset)]) {
        guard contents.moduleNames.contains(name) else {
            return (["module '\(name)' is not in the checkpoint (it holds \(listing(contents.moduleNames)))"], [])
        }
        let group = try file.group(CheckpointLayout.module(name))
        let stored = Set(try group.datasetPaths())
        let entries = ModuleStateEntry.entries(of: module)
        var problems: [String] = []
        var matched: [(entry: ModuleStateEntry, dataset: HDF5Dataset)] = []
        for (path, entry) in entries {
            guard stored.contains(path) else {
                problems.append("module '\(name)': missing \(entry.kind) '\(path)' of shape \(entry.shape)")
                continue
            }
            let dataset = try group.dataset(path)
            var fits = true
            if dataset.elementType != entry.elementType {
                problems.append("module '\(name)': '\(path)' holds \(dataset.elementType), the \(entry.kind) needs \(entry.elementType)")
                fits = false
            }
            if dataset.shape != entry.shape {
                problems.append("module '\(name)': \(entry.kind) '\(path)' has shape \(dataset.shape) in the checkpoint, "
                    + "the module expects \(entry.shape)")
                fits = false
            }
            if fits { matched.append((entry, dataset)) }
        }
        for path in stored.subtracting(entries.map(\.path)).sorted() {
            let dataset = try group.dataset(path)
            problems.append("module '\(name)': unexpected '\(path)' (\(dataset.elementType) \(dataset.shape)) is no parameter, "
                + "buffer or random state of the module")
        }
        return (problems, matched)
    }

    /// The state saved for an optimiser, with a problem for each entry of the wrong type.
    private static func readState(ofOptimizer name: String, in file: HDF5File) throws -> (CheckpointState, [String]) {
        let group = try file.group(CheckpointLayout.optimizer(name))
        var state = CheckpointState()
        var problems: [String] = []
        var elements = 0  // all state read so far must fit in memory together, not just each tensor
        for key in try group.datasetPaths() {
            let dataset = try group.dataset(key)
            guard dataset.elementType == .float32 else {
                problems.append("optimizer '\(name)': state '\(key)' holds \(dataset.elementType), expected float32")
                continue
            }
            elements = elements.addingReportingOverflow(dataset.count).overflow ? Int.max : elements + dataset.count
            try dataset.checkFitsInMemory(elements: elements)
            state.tensors[key] = try dataset.readTensor()
        }
        for key in try group.attributes.names() {
            switch try group.attributes.elementType(of: key) {
            case .signedInteger(bits: 64): state.counters[key] = try group.attributes.value(key, as: Int64.self)
            case .float(bits: 64): state.scalars[key] = try group.attributes.value(key, as: Double.self)
            case let other: problems.append("optimizer '\(name)': attribute '\(key)' holds \(other), expected int64 or float64")
            }
        }
        return (state, problems)
    }

    // MARK: - Checks

    private static func validate(_ state: CheckpointState, of optimizer: String) throws {
        for key in state.tensors.keys { try CheckpointLayout.validate(key, kind: "optimizer '\(optimizer)' state") }
        for key in Array(state.counters.keys) + Array(state.scalars.keys) {
            try CheckpointLayout.validate(key, kind: "optimizer '\(optimizer)' scalar")
        }
        if let shared = Set(state.counters.keys).intersection(state.scalars.keys).sorted().first {
            throw CheckpointError.invalidName(kind: "optimizer '\(optimizer)' scalar", name: shared,
                                              detail: "it names both a counter and a scalar; give them different names")
        }
    }

    private static func listing(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
