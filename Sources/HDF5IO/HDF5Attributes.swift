import CHDF5

/// The attributes of a file (its root group), a group or a dataset: small named values
/// (strings, numbers, 1-D arrays of numbers) for metadata such as a config or a step.
///
/// Strings are stored as variable-length UTF-8, which h5py returns as `str`. Setting an
/// attribute that exists replaces it.
public struct HDF5Attributes {
    let context: HDF5FileContext
    let owner: HDF5Handle
    /// `group '/'`, `dataset 'model/weight'`.
    let ownerDescription: String

    /// Names of all attributes, sorted.
    public func names() throws -> [String] {
        try context.perform(on: ownerDescription) { location in
            var names: [String] = []
            var index: hsize_t = 0
            let status = withUnsafeMutablePointer(to: &names) { pointer in
                H5Aiterate2(owner.id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, context in
                    if let name, let context {
                        context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    }
                    return 0
                }, pointer)
            }
            try location.check(status, "listing the attributes")
            return names.sorted()
        }
    }

    /// Whether an attribute named `name` exists.
    public func contains(_ name: String) throws -> Bool {
        try context.perform(on: describe(name)) { location in
            let exists = H5Aexists(owner.id, name)
            try location.check(exists < 0 ? -1 : 0, "looking up the attribute")
            return exists > 0
        }
    }

    /// The element type of the attribute `name`.
    public func elementType(of name: String) throws -> HDF5ElementType {
        try withAttribute(name) { _, datatype, _ in HDF5ElementType(datatype: datatype) }
    }

    // MARK: - Writing

    /// Sets a string attribute.
    public func set(_ name: String, _ value: String) throws {
        try create(name, shape: [], datatype: { HDF5Attributes.makeStringDatatype() }) { attribute, datatype in
            value.withCString { characters in
                var pointer: UnsafePointer<CChar>? = characters
                return H5Awrite(attribute, datatype, &pointer)
            }
        }
    }

    /// Sets a scalar numeric attribute.
    public func set<Element: HDF5Scalar>(_ name: String, _ value: Element) throws {
        try set(name, values: [value], shape: [])
    }

    /// Sets a 1-D numeric attribute.
    public func set<Element: HDF5Scalar>(_ name: String, _ values: [Element]) throws {
        try set(name, values: values, shape: [values.count])
    }

    /// Removes the attribute `name`.
    public func remove(_ name: String) throws {
        try context.performWrite(on: describe(name)) { location in
            try requireExists(name, at: location)
            try location.check(H5Adelete(owner.id, name), "removing the attribute")
        }
    }

    // MARK: - Reading

    /// The string attribute `name` (variable- or fixed-length).
    public func string(_ name: String) throws -> String {
        try withAttribute(name) { attribute, datatype, location in
            let stored = HDF5ElementType(datatype: datatype)
            guard stored == .string else {
                throw HDF5Error.wrongElementType(file: context.path, object: location.object, stored: stored, expected: .string)
            }
            try requireSingleElement(attribute, at: location)
            // The memory type is built here, never copied from the file: a damaged file's string
            // type must not decide how many bytes land in our buffers (each buffer also has
            // room to spare).
            let isVariable = H5Tis_variable_str(datatype) > 0
            let size = isVariable ? mb_h5t_variable() : H5Tget_size(datatype)
            guard isVariable || (1...(1 << 24)).contains(size) else {
                throw location.invalid("declares a fixed-length string of \(size) bytes; the file is damaged")
            }
            return try location.withTemporary("making the string type", create: { H5Tcopy(mb_h5t_c_s1()) },
                                              close: H5Tclose) { memoryType in
                let characterSet = H5Tget_cset(datatype)
                guard characterSet == H5T_CSET_ASCII || characterSet == H5T_CSET_UTF8 else {
                    throw location.invalid("declares a string of an unknown character set; the file is damaged")
                }
                try location.check(H5Tset_size(memoryType, size), "sizing the string type")
                try location.check(H5Tset_cset(memoryType, characterSet), "setting the character set")
                if isVariable {
                    var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: 4)
                    try location.check(H5Aread(attribute, memoryType, &pointers), "reading the string")
                    defer { for pointer in pointers { if let pointer { H5free_memory(pointer) } } }
                    return pointers[0].map { String(cString: $0) } ?? ""
                }
                // Fixed length: NUL-terminated, NUL-padded or space-padded.
                var bytes = [UInt8](repeating: 0, count: size + 64)
                try location.check(H5Aread(attribute, memoryType, &bytes), "reading the string")
                bytes.removeLast(64)
                var text = bytes.prefix { $0 != 0 }
                if H5Tget_strpad(datatype) == H5T_STR_SPACEPAD {
                    while text.last == UInt8(ascii: " ") { text.removeLast() }
                }
                return String(decoding: text, as: UTF8.self)
            }
        }
    }

    /// The scalar numeric attribute `name` (a one-element array is accepted too).
    public func value<Element: HDF5Scalar>(_ name: String, as type: Element.Type = Element.self) throws -> Element {
        let values = try values(name, as: type)
        guard values.count == 1, let value = values.first else {
            throw HDF5Error.invalidArgument(file: context.path, object: describe(name),
                                            detail: "holds \(values.count) values, expected one; read it with values(_:as:)")
        }
        return value
    }

    /// All values of the numeric attribute `name`, flattened in row-major order.
    public func values<Element: HDF5Scalar>(_ name: String, as type: Element.Type = Element.self) throws -> [Element] {
        try withAttribute(name) { attribute, datatype, location in
            let stored = HDF5ElementType(datatype: datatype)
            guard stored == Element.hdf5ElementType else {
                throw HDF5Error.wrongElementType(file: context.path, object: location.object, stored: stored,
                                                 expected: Element.hdf5ElementType)
            }
            let count = try location.withTemporary("reading the dataspace", create: { H5Aget_space(attribute) }, close: H5Sclose) {
                Int(H5Sget_simple_extent_npoints($0))
            }
            let memoryType = try HDF5Dataset.nativeDatatype(of: Element.self, at: location)
            return try [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0 { try location.check(H5Aread(attribute, memoryType, buffer.baseAddress), "reading the values") }
                initialized = count
            }
        }
    }

    // MARK: - Implementation

    private func describe(_ name: String) -> String { "attribute '\(name)' of \(ownerDescription)" }

    private func requireExists(_ name: String, at location: HDF5Location) throws {
        let exists = H5Aexists(owner.id, name)
        guard exists > 0 else {
            if exists < 0 { throw location.failure("looking up the attribute") }
            let available = (try? names()) ?? []
            throw HDF5Error.objectNotFound(file: context.path, object: location.object, available: available)
        }
    }

    private func requireSingleElement(_ attribute: hid_t, at location: HDF5Location) throws {
        let count = try location.withTemporary("reading the dataspace", create: { H5Aget_space(attribute) }, close: H5Sclose) {
            H5Sget_simple_extent_npoints($0)
        }
        guard count == 1 else { throw location.invalid("holds \(count) strings; only single strings are supported") }
    }

    /// Opens the existing attribute `name` and its datatype for `body`.
    private func withAttribute<Result>(_ name: String,
                                       _ body: (_ attribute: hid_t, _ datatype: hid_t, HDF5Location) throws -> Result) throws -> Result {
        try context.perform(on: describe(name)) { location in
            try requireExists(name, at: location)
            return try location.withTemporary("opening the attribute", create: { H5Aopen(owner.id, name, mb_h5p_default()) },
                                              close: H5Aclose) { attribute in
                try location.withTemporary("reading the datatype", create: { H5Aget_type(attribute) }, close: H5Tclose) { datatype in
                    try body(attribute, datatype, location)
                }
            }
        }
    }

    private func set<Element: HDF5Scalar>(_ name: String, values: [Element], shape: [Int]) throws {
        guard Element.hdf5ElementType.nativeDatatype != nil else {
            throw HDF5Error.invalidArgument(file: context.path, object: describe(name),
                                            detail: "element type \(Element.hdf5ElementType) has no HDF5 equivalent")
        }
        try create(name, shape: shape, datatype: { H5Tcopy(Element.hdf5ElementType.nativeDatatype ?? -1) }) { attribute, datatype in
            values.isEmpty ? 0 : values.withUnsafeBufferPointer { H5Awrite(attribute, datatype, $0.baseAddress) }
        }
    }

    /// Replaces the attribute `name` by a new one of `shape` and writes it with `write`.
    private func create(_ name: String, shape: [Int], datatype makeDatatype: @escaping () -> hid_t,
                        write: (_ attribute: hid_t, _ datatype: hid_t) -> herr_t) throws {
        try context.performWrite(on: describe(name)) { location in
            guard !name.isEmpty else { throw location.invalid("an attribute needs a non-empty name") }
            let exists = H5Aexists(owner.id, name)
            try location.check(exists < 0 ? -1 : 0, "looking up the attribute")
            if exists > 0 { try location.check(H5Adelete(owner.id, name), "replacing the attribute") }
            try location.withTemporary("creating the datatype", create: makeDatatype, close: H5Tclose) { datatype in
                try location.withTemporary("creating the dataspace", create: { HDF5Dataspace.create(shape: shape) },
                                           close: H5Sclose) { space in
                    try location.withTemporary("creating the attribute", create: {
                        H5Acreate2(owner.id, name, datatype, space, mb_h5p_default(), mb_h5p_default())
                    }, close: H5Aclose) { attribute in
                        try location.check(write(attribute, datatype), "writing the attribute")
                    }
                }
            }
        }
    }

    /// Variable-length UTF-8 strings, as h5py writes them.
    static func makeStringDatatype() -> hid_t {
        let datatype = H5Tcopy(mb_h5t_c_s1())
        guard datatype >= 0, H5Tset_size(datatype, mb_h5t_variable()) >= 0, H5Tset_cset(datatype, H5T_CSET_UTF8) >= 0 else {
            if datatype >= 0 { H5Tclose(datatype) }
            return -1
        }
        return datatype
    }
}
