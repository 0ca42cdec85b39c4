import Foundation
import Training
#if canImport(Glibc)
import Glibc
#endif

/// One writer per run folder: an exclusive `flock` on `<folder>/.lock`, taken before anything
/// is written and held until the process exits (the kernel releases it when the process dies,
/// `kill -9` included). The holder's PID is written into the file, so a second process is told
/// who holds the folder. Within one process a folder is locked once and stays locked.
public enum RunFolderLock {
    private static let mutex = NSLock()
    nonisolated(unsafe) private static var held: [String: Int32] = [:]

    /// Takes the lock on `folder` (which must exist), or throws a `ConfigError` naming the
    /// process that holds it.
    public static func acquire(_ folder: String) throws {
        let path = URL(fileURLWithPath: folder).standardizedFileURL.path + "/.lock"
        mutex.lock()
        defer { mutex.unlock() }
        guard held[path] == nil else { return }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ConfigError("cannot open the run folder's lock \(path) (\(String(cString: strerror(errno)))); check the folder's permissions")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw ConfigError("\(folder) is in use by another process (PID \(holder.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")); "
                              + "wait for it to finish, or choose another output folder")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        held[path] = descriptor
    }
}
