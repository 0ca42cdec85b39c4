import AtomicFiles

extension HDF5File {
    /// Writes a file all at once (through `AtomicFileWriter`): `body` fills a new file under
    /// a hidden temporary name, which is synced and then given the name `path`, so a process
    /// killed mid-write never leaves a truncated file.
    ///
    /// An existing file at `path` is an error unless `overwrite` is true (a trainer replacing
    /// its own checkpoint). If `body` throws, the temporary file is removed and `path` is
    /// untouched. `checksummed` as in `create`.
    public static func writeAtomically(to path: String, overwrite: Bool = false, checksummed: Bool = false,
                                       _ body: (HDF5File) throws -> Void) throws {
        do {
            try AtomicFileWriter.write(to: path, overwrite: overwrite) { temporary in
                let file = try create(temporary, overwrite: false, checksummed: checksummed)
                do {
                    try body(file)
                    try file.close()
                } catch {
                    try? file.close()
                    throw error
                }
            }
        } catch AtomicFileError.fileExists(let existing) {
            throw HDF5Error.fileExists(file: existing)
        } catch AtomicFileError.cannotWrite(let target, let detail) {
            throw HDF5Error.cannotWrite(file: target, detail: detail)
        } catch HDF5Error.libraryFailure(_, let object, let operation, let detail) {
            // HDF5 failing while it writes (a full disk, an I/O error) is a failure to write the file.
            throw HDF5Error.cannotWrite(file: path, detail: "\(operation) failed for \(object): \(detail)")
        }
    }
}
