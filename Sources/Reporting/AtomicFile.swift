import Foundation
import AtomicFiles

/// What to do when the destination of a write already exists.
public enum ExistingFilePolicy: Sendable {
    /// Throw `ReportingError.fileExists`: a new run never silently replaces another run's results.
    case refuseOverwrite
    /// Replace the file (a run updating its own table or figure).
    case overwrite
}

/// Writes files all at once through `AtomicFileWriter`: the bytes go to a hidden temporary
/// file in the destination's folder, which is synced and renamed onto the destination, so a
/// process killed mid-write never leaves a truncated table, figure or manifest.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        do {
            try AtomicFileWriter.write(to: path, overwrite: existing == .overwrite) { temporary in
                try data.write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
            }
        } catch AtomicFileError.fileExists(let existingPath) {
            throw ReportingError.fileExists(path: existingPath)
        } catch AtomicFileError.cannotWrite(let target, let detail) {
            throw ReportingError.cannotWrite(path: target, detail: detail)
        } catch let error as CocoaError {
            throw ReportingError.cannotWrite(
                path: path, detail: "\(error.localizedDescription) — check that the folder is writable and has free space")
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try write(Data(text.utf8), to: path, existing: existing)
    }
}
