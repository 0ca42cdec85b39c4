import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an atomic write could not publish its file; callers map it to their own error type.
public enum AtomicFileError: Error, Equatable {
    /// The destination exists and overwriting was not allowed.
    case fileExists(path: String)
    /// The folder is missing or a system call failed; `detail` names the step and a fix.
    case cannotWrite(path: String, detail: String)
}

/// Publishes a file all at once: `fill` writes it under a hidden temporary name in the
/// destination's folder, which is then synced to disk and given the final name. Readers,
/// and a process killed mid-write, see either the previous file or the complete new one,
/// never a truncated one.
///
/// Without `overwrite` an existing destination is an error, and the final step is
/// `link(2)`, which fails rather than replace a file that appeared meanwhile; with it the
/// final step is `rename(2)`. If `fill` throws, the temporary file is removed and the
/// error rethrown. A process killed mid-write can leave a `.<name>.<pid>.<random>.tmp`
/// file behind, which is safe to delete.
public enum AtomicFileWriter {
    public static func write(to path: String, overwrite: Bool, _ fill: (_ temporaryPath: String) throws -> Void) throws {
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw AtomicFileError.fileExists(path: path) }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw AtomicFileError.cannotWrite(path: path, detail: "the folder \(folder) does not exist; create it first")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp").path
        do {
            try fill(temporary)
            try synchronize(temporary, destination: path)
            try moveIntoPlace(temporary, path, overwrite: overwrite)
        } catch {
            unlink(temporary)
            throw error
        }
        synchronizeFolder(folder)
    }

    /// Forces the temporary file's bytes to disk before it takes the final name.
    private static func synchronize(_ temporary: String, destination: String) throws {
        let descriptor = open(temporary, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let failure = systemFailure("syncing \(temporary) to disk")
            if descriptor >= 0 { close(descriptor) }
            throw AtomicFileError.cannotWrite(path: destination, detail: failure)
        }
        close(descriptor)
    }

    /// `rename(2)` when replacing is allowed, otherwise `link(2)` (falling back to a checked
    /// rename on file systems without hard links).
    private static func moveIntoPlace(_ temporary: String, _ path: String, overwrite: Bool) throws {
        if !overwrite {
            if link(temporary, path) == 0 {
                unlink(temporary)
                return
            }
            if errno == EEXIST || FileManager.default.fileExists(atPath: path) {
                throw AtomicFileError.fileExists(path: path)
            }
        }
        guard rename(temporary, path) == 0 else {
            throw AtomicFileError.cannotWrite(path: path, detail: systemFailure("renaming \(temporary) onto it"))
        }
    }

    /// `"<action> failed: <errno text> — <fix>"`, read while `errno` is still current.
    private static func systemFailure(_ action: String) -> String {
        "\(action) failed: \(String(cString: strerror(errno))) — check that the folder is writable and has free space"
    }

    /// Makes the new directory entry durable (best effort: not every file system allows it).
    private static func synchronizeFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
