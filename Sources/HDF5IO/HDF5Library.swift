import CHDF5
import Foundation

/// Process-wide access to the HDF5 C library.
///
/// Every call into HDF5 goes through `serialized`: one recursive lock makes the wrapper safe
/// from concurrent Swift tasks even with a library built without thread safety, and each
/// entry silences HDF5's automatic printing of error stacks (its setting is per thread in
/// thread-safe builds), so failures surface only as `HDF5Error`s.
///
/// HDF5 is told not to install its exit handler: after a failed flush (a full disk) the
/// handler would try to close the failed file again at exit and crash the process after its
/// clean error message. Every file this library writes is closed explicitly (and written
/// under a temporary name first), so nothing is left for an exit handler to flush.
enum HDF5Library {
    private static let lock = NSRecursiveLock()
    private static let started: Void = { _ = H5dont_atexit() }()

    static func serialized<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        started
        H5Eset_auto2(mb_h5e_default(), nil, nil)
        return try body()
    }

    /// HDF5's explanation of the last failure on this thread: the message of the API call
    /// and the most specific one below it (`unable to open file: truncated file: eof = …`).
    static func lastErrorDescription() -> String {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(mb_h5e_default(), H5E_WALK_DOWNWARD, { _, error, context in
                if let error, let text = error.pointee.desc, let context {
                    context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: text))
                }
                return 0
            }, pointer)
        }
        H5Eclear2(mb_h5e_default())
        guard let first = messages.first, let last = messages.last else { return "HDF5 gave no reason" }
        return first == last ? first : "\(first): \(last)"
    }
}

/// Where an operation happens, for error messages: the file and the object inside it.
struct HDF5Location {
    let file: String
    /// `dataset 'model/weight'`, `group 'model'`, `attribute 'step' of group '/'`.
    let object: String

    func failure(_ operation: String) -> HDF5Error {
        .libraryFailure(file: file, object: object, operation: operation, detail: HDF5Library.lastErrorDescription())
    }

    func invalid(_ detail: String) -> HDF5Error {
        .invalidArgument(file: file, object: object, detail: detail)
    }

    /// Throws the library's failure when `status` is negative.
    func check(_ status: herr_t, _ operation: String) throws {
        if status < 0 { throw failure(operation) }
    }

    /// The identifier, or the library's failure when it is invalid.
    func checkID(_ id: hid_t, _ operation: String) throws -> hid_t {
        if id < 0 { throw failure(operation) }
        return id
    }
}
