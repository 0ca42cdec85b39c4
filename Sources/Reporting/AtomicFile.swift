import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to do when the destination of a write already exists.
public enum ExistingFilePolicy: Sendable {
    /// Throw `ReportingError.fileExists`: a new run never silently replaces another run's results.
    case refuseOverwrite
    /// Replace the file (a run updating its own table or figure).
    case overwrite
}

/// Writes files all at once: the bytes go to a hidden temporary file in the destination's
/// folder, which is synced to disk and then renamed onto the destination. Readers, and a
/// process killed mid-write, see either the previous file or the complete new one — never a
/// truncated table, figure or manifest.
///
/// With `.refuseOverwrite` the final step is a hard link, which fails rather than replace a
/// file that appeared meanwhile. A process killed mid-write can leave a
/// `.<name>.<pid>.<random>.tmp` file behind, which is safe to delete.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        if existing == .refuseOverwrite, FileManager.default.fileExists(atPath: path) {
            throw ReportingError.fileExists(path: path)
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ReportingError.cannotWrite(path: path, detail: "the folder \(folder) does not exist; create it first")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp").path
        do {
            try writeAndSync(data, to: temporary, destination: path)
            try moveIntoPlace(temporary, path, existing: existing)
        } catch {
            unlink(temporary)
            throw error
        }
        synchronizeFolder(folder)
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try write(Data(text.utf8), to: path, existing: existing)
    }

    /// Creates `temporary` (failing if it exists), writes all of `data` and forces it to disk.
    private static func writeAndSync(_ data: Data, to temporary: String, destination: String) throws {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ReportingError.cannotWrite(path: destination,
                                             detail: systemFailure("creating \(temporary)"))
        }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = writeBytes(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ReportingError.cannotWrite(path: destination,
                                                     detail: systemFailure("writing \(temporary)"))
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else {
            throw ReportingError.cannotWrite(path: destination,
                                             detail: systemFailure("syncing \(temporary) to disk"))
        }
    }

    /// Gives the temporary file its final name: `rename(2)` when replacing is allowed, otherwise
    /// `link(2)`, which fails if the name is taken (falling back to a checked rename on file
    /// systems without hard links).
    private static func moveIntoPlace(_ temporary: String, _ path: String, existing: ExistingFilePolicy) throws {
        if existing == .refuseOverwrite {
            if link(temporary, path) == 0 {
                unlink(temporary)
                return
            }
            if errno == EEXIST || FileManager.default.fileExists(atPath: path) {
                throw ReportingError.fileExists(path: path)
            }
        }
        guard rename(temporary, path) == 0 else {
            throw ReportingError.cannotWrite(path: path,
                                             detail: systemFailure("renaming \(temporary) onto it"))
        }
    }

    /// `"<action> failed: <errno text> — <fix>"`, read while `errno` is still current.
    private static func systemFailure(_ action: String) -> String {
        "\(action) failed: \(String(cString: strerror(errno))) — check that the folder is writable and has free space"
    }

    /// Makes the new directory entry durable (best effort: not every file system allows it).
    private static func synchronizeFolder(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

// File scope: inside `AtomicFile`, `write` names its own methods.
private func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
