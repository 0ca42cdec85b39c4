import CMPI
import Foundation
import TensorCore

/// The processes of an MPI job (`mpirun -np N …`, or `srun` under Slurm) as the
/// `ProcessGroup` of data-parallel training, through OpenMPI's C API.
///
/// `MPIProcessGroup.startIfLaunchedByMPI()` initialises MPI only when the launcher's
/// environment says the process is one rank of a job (so a plain run never touches MPI),
/// makes the group `DataParallel.world`, and finalises MPI at exit. Collectives are
/// `MPI_Allreduce` (sum, in place) and `MPI_Allgather` on `MPI_COMM_WORLD`, with errors
/// returned rather than aborting, so that a failure names the call.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let communicator: MPI_Comm

    /// The environment variables a launcher sets in each rank: OpenMPI's `mpirun`, PMIx
    /// (`srun --mpi=pmix`), PMI-1/2 (`srun --mpi=pmi2`).
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]

    /// Whether this process was started as one rank of an MPI job.
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return launcherVariables.contains { environment[$0] != nil }
    }

    /// The group `startIfLaunchedByMPI` started, if any.
    nonisolated(unsafe) public private(set) static var started: MPIProcessGroup?

    /// Initialises MPI and sets `DataParallel.world` when launched by MPI; returns the group
    /// (nil for a plain single-process start). Call once, first thing in `main`.
    @discardableResult
    public static func startIfLaunchedByMPI() throws -> MPIProcessGroup? {
        if let started { return started }
        guard isLaunchedByMPI else { return nil }
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, mixedbatch_mpi_thread_funneled(), &provided), call: "MPI_Init_thread")
        guard let world = mixedbatch_mpi_comm_world() else {
            throw TensorError.invalidArgument(operation: "MPI_Init_thread", detail: "MPI_COMM_WORLD is null")
        }
        try check(MPI_Comm_set_errhandler(world, mixedbatch_mpi_errors_return()), call: "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(world, &rank), call: "MPI_Comm_rank")
        try check(MPI_Comm_size(world, &size), call: "MPI_Comm_size")
        let group = MPIProcessGroup(rank: Int(rank), size: Int(size), communicator: world)
        started = group
        DataParallel.setWorld(group)
        atexit { MPIProcessGroup.finalize() }
        return group
    }

    /// Finalises MPI (at exit; idempotent).
    public static func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if started != nil, finalized == 0 { MPI_Finalize() }
    }

    /// Ends every rank of the job at once (after an error on one rank, so the others do not
    /// wait forever in a collective).
    public func abort(code: Int32) -> Never {
        MPI_Abort(communicator, code)
        exit(code)
    }

    private init(rank: Int, size: Int, communicator: MPI_Comm) {
        self.rank = rank
        self.size = size
        self.communicator = communicator
    }

    /// MPI counts are 32-bit: larger buffers go in chunks.
    private static let chunk = Int(Int32.max)

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let count = min(Self.chunk, buffer.count - offset)
            try Self.check(MPI_Allreduce(mixedbatch_mpi_in_place(), base + offset, Int32(count), mixedbatch_mpi_float(),
                                         mixedbatch_mpi_sum(), communicator), call: "MPI_Allreduce")
            offset += count
        }
    }

    public func allGather(_ local: UnsafeBufferPointer<Float>, into gathered: UnsafeMutableBufferPointer<Float>) throws {
        guard gathered.count == local.count * size, local.count <= Self.chunk else {
            throw TensorError.invalidArgument(operation: "MPI_Allgather",
                                              detail: "\(local.count) local values into \(gathered.count) (size \(size))")
        }
        try Self.check(MPI_Allgather(local.baseAddress, Int32(local.count), mixedbatch_mpi_float(), gathered.baseAddress,
                                     Int32(local.count), mixedbatch_mpi_float(), communicator), call: "MPI_Allgather")
    }

    public func barrier() throws {
        try Self.check(MPI_Barrier(communicator), call: "MPI_Barrier")
    }

    private static func check(_ status: Int32, call: String) throws {
        guard status != mixedbatch_mpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(mixedbatch_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(status, &text, &length)
        throw TensorError.invalidArgument(operation: call, detail: "MPI error \(status): \(String(cString: text))")
    }
}
