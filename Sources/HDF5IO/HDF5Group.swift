import CHDF5

/// A group of an open HDF5 file: a folder of datasets and groups, addressed by slash paths
/// relative to it (`model/layers.0.weight`) or absolute (`/model`). `HDF5File` is its root group.
public class HDF5Group {
    let context: HDF5FileContext
    let handle: HDF5Handle
    /// The absolute name inside the file (`/` for the root, `/model`).
    public let name: String

    init(context: HDF5FileContext, handle: HDF5Handle, name: String) {
        self.context = context
        self.handle = handle
        self.name = name
    }

    /// The path of the file this group belongs to.
    public var filePath: String { context.path }

    /// The attributes attached to this group (to the file, for the root group).
    public var attributes: HDF5Attributes {
        HDF5Attributes(context: context, owner: handle, ownerDescription: description(of: name, kind: "group"))
    }

    // MARK: - Navigation

    /// Whether `path` names an object (dataset or group) below this group.
    public func contains(_ path: String) throws -> Bool {
        try context.perform(on: description(of: path, kind: "object")) { _ in linkExists(path) }
    }

    /// The existing group at `path`.
    public func group(_ path: String) throws -> HDF5Group {
        let object = description(of: path, kind: "group")
        return try context.perform(on: object) { location in
            let handle = try openObject(path, kind: .group, at: location)
            return HDF5Group(context: context, handle: handle, name: absoluteName(path))
        }
    }

    /// The group at `path`, created with any missing parent groups if needed (like `mkdir -p`).
    @discardableResult
    public func createGroup(_ path: String) throws -> HDF5Group {
        let object = description(of: path, kind: "group")
        return try context.performWrite(on: object) { location in
            guard !linkExists(path) else { return try group(path) }
            let id = try HDF5Group.withParentCreatingLinks(at: location) { linkProperties in
                try location.checkID(H5Gcreate2(handle.id, path, linkProperties, mb_h5p_default(), mb_h5p_default()),
                                     "creating the group")
            }
            return HDF5Group(context: context, handle: HDF5Handle(id, close: H5Gclose), name: absoluteName(path))
        }
    }

    /// The existing dataset at `path`.
    public func dataset(_ path: String) throws -> HDF5Dataset {
        let object = description(of: path, kind: "dataset")
        return try context.perform(on: object) { location in
            let handle = try openObject(path, kind: .dataset, at: location)
            return try HDF5Dataset(context: context, handle: handle, name: absoluteName(path), location: location)
        }
    }

    /// Names of the direct members (datasets and groups) of this group, sorted.
    public func memberNames() throws -> [String] {
        try context.perform(on: description(of: name, kind: "group")) { location in
            try HDF5Group.members(of: handle.id, at: location).map(\.name)
        }
    }

    /// Paths of all datasets below this group, relative to it and sorted (`model/layers.0.weight`).
    public func datasetPaths() throws -> [String] {
        try context.perform(on: description(of: name, kind: "group")) { location in
            var paths: [String] = []
            try HDF5Group.collectDatasets(in: handle.id, prefix: "", depth: 0, at: location, into: &paths)
            return paths.sorted()
        }
    }

    // MARK: - Whole datasets

    /// Writes a new dataset at `path` holding `values` (row-major) with `shape`; parent groups
    /// are created as needed. `shape` `[]` writes a scalar; extents may be 0.
    @discardableResult
    public func write<Element: HDF5Scalar>(_ values: [Element], shape: [Int], to path: String) throws -> HDF5Dataset {
        try values.withUnsafeBufferPointer { try write($0, shape: shape, to: path) }
    }

    /// Writes a new dataset at `path` from a buffer (no copy), like `write(_:shape:to:)`.
    @discardableResult
    public func write<Element: HDF5Scalar>(_ values: UnsafeBufferPointer<Element>, shape: [Int],
                                           to path: String) throws -> HDF5Dataset {
        let object = description(of: path, kind: "dataset")
        return try context.performWrite(on: object) { location in
            guard shape.allSatisfy({ $0 >= 0 }) else { throw location.invalid("shape \(shape) has a negative extent") }
            let count = shape.reduce(1, *)
            guard values.count == count else {
                throw location.invalid("\(values.count) values do not fill shape \(shape), which needs \(count)")
            }
            guard !path.isEmpty else { throw location.invalid("a dataset needs a non-empty name") }
            guard !linkExists(path) else { throw HDF5Error.objectExists(file: context.path, object: object) }
            let datatype = try HDF5Dataset.nativeDatatype(of: Element.self, at: location)
            let id = try location.withTemporary("creating the dataspace", create: { HDF5Dataspace.create(shape: shape) },
                                                close: H5Sclose) { space in
                try HDF5Group.withParentCreatingLinks(at: location) { linkProperties in
                    try HDF5Group.withCreationProperties(shape: shape, checksummed: context.checksummed, at: location) {
                        try location.checkID(H5Dcreate2(handle.id, path, datatype, space, linkProperties,
                                                        $0, mb_h5p_default()), "creating the dataset")
                    }
                }
            }
            let dataset = HDF5Handle(id, close: H5Dclose)
            if count > 0 {
                try location.check(H5Dwrite(id, datatype, mb_h5s_all(), mb_h5s_all(), mb_h5p_default(), values.baseAddress),
                                   "writing the values")
            }
            return try HDF5Dataset(context: context, handle: dataset, name: absoluteName(path), location: location)
        }
    }

    /// Reads the whole dataset at `path` as `Element`, checking its element type and, when
    /// given, its shape.
    public func read<Element: HDF5Scalar>(_ path: String, as type: Element.Type = Element.self,
                                          shape expectedShape: [Int]? = nil) throws -> HDF5Array<Element> {
        try dataset(path).read(as: type, shape: expectedShape)
    }

    // MARK: - Helpers

    enum ObjectKind: String { case group, dataset }

    func absoluteName(_ path: String) -> String { HDF5Naming.absolute(path, from: name) }

    func description(of path: String, kind: String) -> String {
        HDF5Naming.describe(kind, absoluteName(path))
    }

    /// Whether every prefix of `path` exists (HDF5's own check fails on a missing parent).
    func linkExists(_ path: String) -> Bool {
        let prefixes = HDF5Naming.prefixes(of: path)
        guard !prefixes.isEmpty else { return path.hasPrefix("/") }
        let exists = prefixes.allSatisfy { H5Lexists(handle.id, $0, mb_h5p_default()) > 0 }
        H5Eclear2(mb_h5e_default())
        return exists
    }

    /// Opens the object at `path`, which must exist and be of `kind`.
    func openObject(_ path: String, kind: ObjectKind, at location: HDF5Location) throws -> HDF5Handle {
        guard linkExists(path) else {
            var available: [String] = []
            if kind == .dataset {
                try HDF5Group.collectDatasets(in: handle.id, prefix: "", depth: 0, at: location, into: &available)
            } else {
                available = try HDF5Group.members(of: handle.id, at: location).filter { $0.kind == .group }.map(\.name)
            }
            throw HDF5Error.objectNotFound(file: context.path, object: location.object, available: available.sorted())
        }
        let object = HDF5Handle(try location.checkID(H5Oopen(handle.id, path, mb_h5p_default()), "opening"), close: H5Oclose)
        let found = HDF5Group.kind(of: object.id)
        guard found == kind else {
            throw HDF5Error.wrongObjectKind(file: context.path, name: HDF5Naming.display(absoluteName(path)),
                                            found: found?.rawValue ?? "named datatype", expected: kind.rawValue)
        }
        return object
    }

    /// Runs `body` with link-creation properties that create missing parent groups.
    static func withParentCreatingLinks<Result>(at location: HDF5Location, _ body: (hid_t) throws -> Result) throws -> Result {
        try location.withTemporary("creating a link property list", create: { H5Pcreate(mb_h5p_link_create()) },
                                   close: H5Pclose) { linkProperties in
            try location.check(H5Pset_create_intermediate_group(linkProperties, 1), "creating parent groups")
            return try body(linkProperties)
        }
    }

    /// Runs `body` with the dataset-creation properties: the defaults, or with `checksummed`
    /// one chunk of the whole shape under the Fletcher-32 filter. Scalars and empty datasets
    /// cannot be chunked and stay contiguous; a chunk holds at most 4 GiB, so larger datasets
    /// are chunked by rows.
    static func withCreationProperties<Result>(shape: [Int], checksummed: Bool, at location: HDF5Location,
                                               _ body: (hid_t) throws -> Result) throws -> Result {
        guard checksummed, !shape.isEmpty, !shape.contains(0) else { return try body(mb_h5p_default()) }
        return try location.withTemporary("creating dataset properties", create: { H5Pcreate(mb_h5p_dataset_create()) },
                                          close: H5Pclose) { properties in
            var chunk = shape.map { hsize_t($0) }
            let rowBytes = shape.dropFirst().reduce(8, *)  // at most 8 bytes an element
            chunk[0] = hsize_t(max(1, min(shape[0], (1 << 30) / max(rowBytes, 1))))
            try location.check(H5Pset_chunk(properties, Int32(chunk.count), chunk), "setting the chunk shape")
            try location.check(H5Pset_fletcher32(properties), "adding the Fletcher-32 checksum")
            return try body(properties)
        }
    }

    static func kind(of object: hid_t) -> ObjectKind? {
        switch H5Iget_type(object) {
        case H5I_GROUP, H5I_FILE: return .group
        case H5I_DATASET: return .dataset
        default: return nil
        }
    }

    /// The direct members of a group with their kinds (`nil` for named datatypes and broken links).
    static func members(of group: hid_t, at location: HDF5Location) throws -> [(name: String, kind: ObjectKind?)] {
        var info = H5G_info_t()
        try location.check(H5Gget_info(group, &info), "listing the group")
        var result: [(String, ObjectKind?)] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, mb_h5p_default())
            guard length >= 0 else { throw location.failure("reading a member name") }
            var bytes = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &bytes, bytes.count, mb_h5p_default()) >= 0 else {
                throw location.failure("reading a member name")
            }
            let name = String(decoding: bytes.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let object = H5Oopen(group, name, mb_h5p_default())
            if object < 0 {
                H5Eclear2(mb_h5e_default())  // a dangling soft or external link
                result.append((name, nil))
            } else {
                result.append((name, kind(of: object)))
                H5Oclose(object)
            }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Appends the paths of all datasets below `group` (hard-link cycles are cut at depth 64).
    static func collectDatasets(in group: hid_t, prefix: String, depth: Int, at location: HDF5Location,
                                into paths: inout [String]) throws {
        for (name, kind) in try members(of: group, at: location) {
            switch kind {
            case .dataset?:
                paths.append(prefix + name)
            case .group? where depth < 64:
                let child = HDF5Handle(try location.checkID(H5Gopen2(group, name, mb_h5p_default()), "opening a group"),
                                       close: H5Gclose)
                try collectDatasets(in: child.id, prefix: prefix + name + "/", depth: depth + 1, at: location, into: &paths)
            default:
                continue
            }
        }
    }
}
