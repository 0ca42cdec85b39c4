import CHDF5

/// Owns one HDF5 identifier (file, group, dataset, attribute, dataspace, datatype, property
/// list) and closes it exactly once: explicitly with `close()` or when the last reference goes.
final class HDF5Handle {
    let id: hid_t
    private let closeFunction: (hid_t) -> herr_t
    private(set) var isOpen = true

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closeFunction = close
    }

    /// Closes the identifier; returns HDF5's status (negative on failure, e.g. a failed flush).
    @discardableResult
    func close() -> herr_t {
        HDF5Library.serialized {
            guard isOpen else { return 0 }
            isOpen = false
            // A file closed with the strong close degree has already closed its objects.
            guard H5Iis_valid(id) > 0 else { return 0 }
            return closeFunction(id)
        }
    }

    deinit { close() }
}

extension HDF5Location {
    /// Runs `body` with a temporary identifier made by `create`, closed afterwards.
    func withTemporary<Result>(_ operation: String, create: () -> hid_t, close: @escaping (hid_t) -> herr_t,
                               _ body: (hid_t) throws -> Result) throws -> Result {
        let handle = HDF5Handle(try checkID(create(), operation), close: close)
        defer { handle.close() }
        return try body(handle.id)
    }
}
