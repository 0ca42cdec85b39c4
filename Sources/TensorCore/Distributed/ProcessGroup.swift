import Foundation

/// The processes that train one model together, each on its shard of every batch (data
/// parallelism). Every process holds the same parameters, optimiser state and random
/// streams; collectives combine what depends on the whole batch (gradients, batch
/// statistics). A collective must be called by every process of the group, in the same order.
///
/// `SingleProcess` is the group of one (every collective is the identity); `InProcessGroup`
/// runs a group's members as threads of one process (tests); the `Distributed` module's
/// `MPIProcessGroup` spans the processes `mpirun` or `srun` started.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's index, `0..<size`; rank 0 writes checkpoints, tables and logs.
    var rank: Int { get }
    var size: Int { get }
    /// Sums `buffer` element-wise over the group, in place, on every process (the same sum,
    /// bit for bit, everywhere).
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
    /// Concatenates every process's `local` (equal counts) in rank order into `gathered`
    /// (`local.count × size`), on every process.
    func allGather(_ local: UnsafeBufferPointer<Float>, into gathered: UnsafeMutableBufferPointer<Float>) throws
    /// Returns once every process of the group has called it.
    func barrier() throws
}

extension ProcessGroup {
    /// Whether this process writes the run's files (rank 0).
    public var isWriter: Bool { rank == 0 }

    /// The rows `[rank·n, (rank + 1)·n)` of a global batch of `globalRows = size·n` rows that
    /// this process computes on. Throws when the batch does not split evenly.
    public func shardRows(ofGlobalRows globalRows: Int) throws -> Range<Int> {
        guard globalRows % size == 0 else {
            throw TensorError.invalidArgument(
                operation: "data parallelism",
                detail: "a batch of \(globalRows) rows does not split evenly over \(size) processes; choose a batch size "
                    + "divisible by \(size) or another number of processes")
        }
        let rows = globalRows / size
        return rank * rows..<(rank + 1) * rows
    }

    /// Draws a per-row random tensor for the *global* batch whose local shard has
    /// `localRows` rows — `draw(size · localRows)` must return `[size · localRows, …]` — and
    /// returns this process's rows. Every process draws the same numbers (their streams
    /// are identical), so a sharded run sees exactly the draws of a single-process run.
    public func drawLocalRows(_ localRows: Int, _ draw: (_ globalRows: Int) throws -> Tensor) throws -> Tensor {
        let global = try draw(localRows * size)
        return try global.localShard(in: self)
    }

    /// The sums over the group of a few numbers (metrics, counts).
    public func allReduceSum(_ values: [Float]) throws -> [Float] {
        var values = values
        try values.withUnsafeMutableBufferPointer { try allReduceSum($0) }
        return values
    }

    /// Throws unless every process passes the same `fingerprint` (a hash of its parameters,
    /// optimiser state and random streams): ranks that disagree train different models.
    public func checkReplicasAgree(_ fingerprint: UInt64, what: String) throws {
        guard size > 1 else { return }
        // 16-bit pieces are exact in Float.
        let local = (0..<4).map { Float((fingerprint >> (16 * UInt64($0))) & 0xFFFF) }
        var gathered = [Float](repeating: 0, count: 4 * size)
        try local.withUnsafeBufferPointer { source in
            try gathered.withUnsafeMutableBufferPointer { try allGather(source, into: $0) }
        }
        let fingerprints = (0..<size).map { r in
            (0..<4).reduce(UInt64(0)) { $0 | UInt64(gathered[4 * r + $1]) << (16 * UInt64($1)) }
        }
        if let other = fingerprints.firstIndex(where: { $0 != fingerprints[0] }) {
            throw TensorError.invalidArgument(
                operation: "data parallelism",
                detail: "rank \(other)'s \(what) differ from rank 0's: the processes are not training one model (started "
                    + "with different configs, code or checkpoints?); start every rank with the same command and files")
        }
    }
}

/// The group of one process: every collective is the identity.
public final class SingleProcess: ProcessGroup {
    public static let shared = SingleProcess()
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}
    public func allGather(_ local: UnsafeBufferPointer<Float>, into gathered: UnsafeMutableBufferPointer<Float>) throws {
        _ = gathered.initialize(from: local)
    }
    public func barrier() throws {}
}

/// Which process group the code running now computes with.
///
/// `world` is every process of the job (set once at start-up by an executable launched by
/// `mpirun`/`srun`; a single process otherwise). `current` is the group the batch-global
/// operations (`Tensor.allReduced`, `batchMean`, `BatchNorm`, ρ…) communicate over: a
/// training procedure makes its group current during its steps only, so evaluation,
/// sampling and everything outside a step compute locally and never wait on another process.
public enum DataParallel {
    nonisolated(unsafe) private static var worldGroup: any ProcessGroup = SingleProcess.shared
    @TaskLocal private static var active: (any ProcessGroup)?

    /// Every process of the job.
    public static var world: any ProcessGroup { worldGroup }

    /// Sets `world` (once, before any training; executables started by MPI).
    public static func setWorld(_ group: any ProcessGroup) { worldGroup = group }

    /// The group batch statistics are computed over now: a procedure's during its steps,
    /// else the single process.
    public static var current: any ProcessGroup { active ?? SingleProcess.shared }

    /// Runs `body` with `group` current.
    public static func with<R>(_ group: any ProcessGroup, _ body: () throws -> R) rethrows -> R {
        try $active.withValue(group, operation: body)
    }
}
