import Foundation
import TensorCore

/// The processor, cores and thread settings a benchmark ran with, for the table's heading.
enum MachineDescription {
    static var current: String {
        let environment = ProcessInfo.processInfo.environment
        let threads = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"].map { "\($0)=\(environment[$0] ?? "unset")" }
        return "\(cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS kernels "
            + "\(OpenBLASKernels.coreName), " + threads.joined(separator: ", ")
    }

    /// `model name` of /proc/cpuinfo.
    static var cpuModel: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown processor" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
