import CHDF5
import Foundation

/// An open HDF5 file, which is also its root group (`/`): datasets, groups and attributes
/// are reached from it by slash paths.
///
/// ```swift
/// try HDF5File.writeAtomically(to: "run/weights.h5") { file in
///     try file.write(weights, shape: [64, 32], to: "model/layers.0.weight")
///     try file.attributes.set("step", 1200)
/// }
/// let file = try HDF5File.open("run/weights.h5")
/// let weight = try file.read("model/layers.0.weight", as: Float.self, shape: [64, 32])
/// ```
///
/// Opening never traps: a missing, truncated or foreign file is an `HDF5Error` that says
/// which. The file closes when the last object referring to it goes away, or with `close()`.
public final class HDF5File: HDF5Group {
    private init(context: HDF5FileContext) {
        super.init(context: context, handle: context.fileHandle, name: "/")
    }

    /// Whether the file was created by this process and can be written.
    public var isWritable: Bool { context.isWritable }

    /// Opens an existing file read-only.
    public static func open(_ path: String) throws -> HDF5File {
        try HDF5Library.serialized {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw HDF5Error.fileNotFound(file: path)
            }
            guard !isFolder.boolValue else {
                throw HDF5Error.notHDF5(file: path, detail: "it is a folder; name a file inside it")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw HDF5Error.unreadableFile(file: path, detail: "this user may not read it; check its permissions")
            }
            let signature = H5Fis_hdf5(path)
            guard signature > 0 else {
                H5Eclear2(mb_h5e_default())
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
                let detail = size == 0 ? "it is empty"
                    : "it lacks the HDF5 signature: another format, or a file truncated before its header"
                throw HDF5Error.notHDF5(file: path, detail: detail)
            }
            let id = try withFileAccessProperties(path) { properties in
                let id = H5Fopen(path, mb_h5f_acc_rdonly(), properties)
                guard id >= 0 else {
                    throw HDF5Error.openFailure(file: path, reported: HDF5Library.lastErrorDescription(),
                                                otherwise: HDF5Error.unreadableFile)
                }
                keepFromChildProcesses(id)
                return id
            }
            return HDF5File(context: HDF5FileContext(path: path, fileHandle: HDF5Handle(id, close: H5Fclose), isWritable: false))
        }
    }

    /// Creates a new, empty file for writing. An existing file is an error unless `overwrite`
    /// is true; prefer `writeAtomically`, which never leaves a half-written file behind.
    ///
    /// With `checksummed`, every dataset written gets HDF5's Fletcher-32 checksum filter
    /// (one chunk per dataset): a changed byte in its values makes every later read fail with
    /// an error instead of returning wrong numbers. h5py reads such files as usual.
    public static func create(_ path: String, overwrite: Bool = false, checksummed: Bool = false) throws -> HDF5File {
        try HDF5Library.serialized {
            if FileManager.default.fileExists(atPath: path), !overwrite { throw HDF5Error.fileExists(file: path) }
            let folder = (path as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            guard folder.isEmpty || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) else {
                throw HDF5Error.cannotWrite(file: path, detail: "the folder \(folder) does not exist; create it first")
            }
            let mode = overwrite ? mb_h5f_acc_trunc() : mb_h5f_acc_excl()
            let id = try withFileAccessProperties(path) { properties in
                let id = H5Fcreate(path, mode, mb_h5p_default(), properties)
                guard id >= 0 else {
                    throw HDF5Error.openFailure(file: path, reported: HDF5Library.lastErrorDescription(),
                                                otherwise: HDF5Error.cannotWrite)
                }
                keepFromChildProcesses(id)
                return id
            }
            return HDF5File(context: HDF5FileContext(path: path, fileHandle: HDF5Handle(id, close: H5Fclose), isWritable: true,
                                                     checksummed: checksummed))
        }
    }

    /// Flushes and closes the file and every group, dataset and attribute opened from it;
    /// later use of those objects is an error. Closing twice does nothing.
    public func close() throws {
        try HDF5Library.serialized {
            guard context.fileHandle.isOpen else { return }
            let location = context.location("the file")
            let flushed = context.isWritable ? H5Fflush(context.fileHandle.id, H5F_SCOPE_GLOBAL) : 0
            let flushFailure = flushed < 0 ? location.failure("flushing") : nil
            let closed = context.fileHandle.close()
            if let flushFailure { throw flushFailure }
            try location.check(closed, "closing")
        }
    }

    /// Marks the file's descriptor close-on-exec. HDF5 opens files without it and locks them
    /// (flock); a program this process starts while the file is open — an MPI launcher, a
    /// daemon — would otherwise keep a copy of the descriptor, and with it the lock, after the
    /// file is closed here, so that opening the file again fails with "unable to lock file".
    /// Best effort: a driver without a plain descriptor is left as it is.
    private static func keepFromChildProcesses(_ file: hid_t) {
        var handle: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(file, mb_h5p_default(), &handle) >= 0, let handle else {
            H5Eclear2(mb_h5e_default())
            return
        }
        let descriptor = handle.load(as: Int32.self)
        let flags = fcntl(descriptor, F_GETFD)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// File access with the strong close degree: closing the file closes all its objects,
    /// so a closed file is really closed (and complete on disk) even if objects leaked.
    /// `body` must read HDF5's error stack itself: closing the property list clears it.
    private static func withFileAccessProperties(_ path: String, _ body: (hid_t) throws -> hid_t) throws -> hid_t {
        let location = HDF5Location(file: path, object: "the file")
        return try location.withTemporary("creating file access properties", create: { H5Pcreate(mb_h5p_file_access()) },
                                          close: H5Pclose) { properties in
            try location.check(H5Pset_fclose_degree(properties, H5F_CLOSE_STRONG), "setting the close degree")
            return try body(properties)
        }
    }
}
