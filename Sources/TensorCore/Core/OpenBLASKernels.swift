import CBLAS
import Foundation

/// Chooses OpenBLAS' fast kernels on AVX-512 machines.
///
/// Debian's OpenBLAS 0.3.21 identifies our AVX-512 EPYC processors as Haswell and runs
/// its AVX2 kernels; with `OPENBLAS_CORETYPE=SkylakeX` GEMM runs about twice as fast.
/// OpenBLAS reads the variable when it loads, before `main` runs, so an executable whose
/// environment asks for other kernels re-executes itself once with the right value.
///
/// The choice: `MIXEDBATCH_OPENBLAS_CORETYPE` when set (e.g. `Haswell` to compare),
/// otherwise `SkylakeX` on CPUs with AVX-512F, otherwise whatever OpenBLAS detects. A
/// machine-wide `OPENBLAS_CORETYPE=Haswell` is therefore overridden on AVX-512 CPUs.
public enum OpenBLASKernels {
    /// The kernel family OpenBLAS reports (e.g. "Haswell", "SkylakeX").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Whether the processor supports AVX-512F (read from /proc/cpuinfo).
    public static var cpuHasAVX512: Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return info.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.contains(" avx512f") }
    }

    /// The `OPENBLAS_CORETYPE` this process should run with, or `nil` to let OpenBLAS detect.
    public static var preferredCoreType: String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["MIXEDBATCH_OPENBLAS_CORETYPE"], !explicit.isEmpty { return explicit }
        return cpuHasAVX512 ? "SkylakeX" : nil
    }

    /// Re-executes the current process with the preferred `OPENBLAS_CORETYPE`, and with the
    /// thread counts of `rankThreadDefaults`, when its environment lacks them (the libraries
    /// read them when they load); returns normally otherwise (or if exec fails).
    public static func reexecWithFastKernelsIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        var changes = rankThreadDefaults(environment)
        if let preferred = preferredCoreType, environment["OPENBLAS_CORETYPE"] != preferred {
            changes["OPENBLAS_CORETYPE"] = preferred
        }
        guard !changes.isEmpty else { return }
        for (name, value) in changes { setenv(name, value, 1) }
        var cArguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &cArguments)
        // exec failed: carry on with the kernels already loaded.
        for pointer in cArguments { free(pointer) }
    }

    /// The ranks of an MPI job that share this machine (OpenMPI's, MPICH's or Slurm's
    /// variable), or nil outside a job.
    static func ranksOnThisMachine(_ environment: [String: String]) -> Int? {
        for name in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_STEP_TASKS_PER_NODE"] {
            // Slurm writes "2(x3)" for 2 tasks on each of 3 nodes.
            if let text = environment[name], let count = Int(text.prefix { $0.isNumber }), count >= 1 { return count }
        }
        return nil
    }

    /// In an MPI job whose ranks share a machine, each rank gets cores / ranks threads for
    /// OpenBLAS and OpenMP (oneDNN) unless the user set them: two ranks of two threads on two
    /// cores spin against each other (a 40-fold slowdown measured on a 2-core Xeon).
    static func rankThreadDefaults(_ environment: [String: String]) -> [String: String] {
        guard let ranks = ranksOnThisMachine(environment) else { return [:] }
        let threads = String(max(1, ProcessInfo.processInfo.activeProcessorCount / ranks))
        var defaults: [String: String] = [:]
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] where environment[name] == nil { defaults[name] = threads }
        return defaults
    }
}
