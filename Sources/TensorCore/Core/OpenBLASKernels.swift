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

    /// Re-executes the current process with the preferred `OPENBLAS_CORETYPE` when its
    /// environment differs; returns normally otherwise (or if exec fails).
    public static func reexecWithFastKernelsIfNeeded() {
        guard let preferred = preferredCoreType,
              ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != preferred else { return }
        setenv("OPENBLAS_CORETYPE", preferred, 1)
        var cArguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &cArguments)
        // exec failed: carry on with the kernels already loaded.
        for pointer in cArguments { free(pointer) }
    }
}
