import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HDF5File {
    /// Writes a file all at once: `body` fills a new file under a hidden temporary name in the
    /// destination's folder, which is then synced to disk and renamed onto `path` — so readers
    /// and a process killed mid-write see either the previous file or the complete new one,
    /// never a truncated one.
    ///
    /// An existing file at `path` is an error unless `overwrite` is true (a trainer replacing
    /// its own checkpoint); without `overwrite` the final step is a hard link, which fails
    /// rather than replace a file that appeared meanwhile. If `body` throws, the temporary
    /// file is removed and `path` is untouched. A process killed mid-write can leave a
    /// `.<name>.<pid>.<random>.tmp` file in the folder, which is safe to delete.
    public static func writeAtomically(to path: String, overwrite: Bool = false,
                                       _ body: (HDF5File) throws -> Void) throws {
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw HDF5Error.fileExists(file: path) }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw HDF5Error.cannotWrite(file: path, detail: "the folder \(folder) does not exist; create it first")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp").path
        let file = try create(temporary, overwrite: false)
        do {
            try body(file)
            try file.close()
            try synchronize(temporary, destination: path)
            try moveIntoPlace(temporary, path, overwrite: overwrite)
        } catch {
            try? file.close()
            unlink(temporary)
            throw error
        }
        synchronizeFolder(folder)
    }

    /// Forces the temporary file's bytes to disk before it takes the final name.
    private static func synchronize(_ temporary: String, destination: String) throws {
        let descriptor = openDescriptor(temporary, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { closeDescriptor(descriptor) }
            throw HDF5Error.cannotWrite(file: destination, detail: "syncing \(temporary) to disk failed: \(reason)")
        }
        closeDescriptor(descriptor)
    }

    /// Gives the temporary file its final name: `rename(2)` when replacing is allowed, otherwise
    /// `link(2)`, which fails if the name is taken (falling back to a checked rename on file
    /// systems without hard links).
    private static func moveIntoPlace(_ temporary: String, _ path: String, overwrite: Bool) throws {
        if !overwrite {
            if link(temporary, path) == 0 {
                unlink(temporary)
                return
            }
            if errno == EEXIST { throw HDF5Error.fileExists(file: path) }
            if FileManager.default.fileExists(atPath: path) { throw HDF5Error.fileExists(file: path) }
        }
        guard rename(temporary, path) == 0 else {
            throw HDF5Error.cannotWrite(file: path, detail: "renaming \(temporary) onto it failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Makes the new directory entry durable (best effort: not every file system allows it).
    private static func synchronizeFolder(_ folder: String) {
        let descriptor = openDescriptor(folder.isEmpty ? "." : folder, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        closeDescriptor(descriptor)
    }
}

// File-scope wrappers: inside `HDF5File`, `open` and `close` name its own methods.
private func openDescriptor(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
private func closeDescriptor(_ descriptor: Int32) { close(descriptor) }
