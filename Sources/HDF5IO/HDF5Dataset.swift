import CHDF5
import SystemLimits

/// The values of a dataset with their shape (row-major).
public struct HDF5Array<Element: HDF5Scalar> {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) {
        self.shape = shape
        self.values = values
    }
}

extension HDF5Array: Equatable where Element: Equatable {}

/// A dataset of an open HDF5 file: an n-dimensional array of one element type.
///
/// Reads never convert: asking for `Float` from a `float64` dataset is an error that names
/// both types. `readRows` reads a slab of rows along axis 0, so datasets larger than memory
/// can be streamed in batches.
public final class HDF5Dataset {
    let context: HDF5FileContext
    let handle: HDF5Handle
    /// The absolute name inside the file (`/model/layers.0.weight`).
    public let name: String
    /// Extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The stored element type.
    public let elementType: HDF5ElementType

    init(context: HDF5FileContext, handle: HDF5Handle, name: String, location: HDF5Location) throws {
        self.context = context
        self.handle = handle
        self.name = name
        shape = try location.withTemporary("reading the dataspace", create: { H5Dget_space(handle.id) }, close: H5Sclose) {
            try HDF5Dataspace.shape(of: $0, at: location)
        }
        elementType = try location.withTemporary("reading the datatype", create: { H5Dget_type(handle.id) }, close: H5Tclose) {
            HDF5ElementType(datatype: $0)
        }
    }

    /// The path of the file this dataset belongs to.
    public var filePath: String { context.path }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The attributes attached to this dataset.
    public var attributes: HDF5Attributes {
        HDF5Attributes(context: context, owner: handle, ownerDescription: objectDescription)
    }

    var objectDescription: String { HDF5Naming.describe("dataset", name) }

    /// Throws `wrongShape` unless the dataset has `expected` shape.
    public func checkShape(_ expected: [Int]) throws {
        guard shape == expected else {
            throw HDF5Error.wrongShape(file: context.path, object: objectDescription, stored: shape, expected: expected)
        }
    }

    /// Throws `wrongElementType` unless the dataset stores `Element`.
    public func checkElementType<Element: HDF5Scalar>(_ type: Element.Type) throws {
        guard elementType == Element.hdf5ElementType else {
            throw HDF5Error.wrongElementType(file: context.path, object: objectDescription,
                                             stored: elementType, expected: Element.hdf5ElementType)
        }
    }

    // MARK: - Whole dataset

    /// All values, checking the element type and, when given, the shape.
    public func read<Element: HDF5Scalar>(as type: Element.Type = Element.self,
                                          shape expectedShape: [Int]? = nil) throws -> HDF5Array<Element> {
        if let expectedShape { try checkShape(expectedShape) }
        return try allocatingRead(shape: shape) { try read(into: $0) }
    }

    /// Reads all values into `buffer`, which must hold exactly `count` elements.
    public func read<Element: HDF5Scalar>(into buffer: UnsafeMutableBufferPointer<Element>) throws {
        try read(rows: nil, into: buffer)
    }

    // MARK: - Rows along axis 0

    /// Rows `rows` along axis 0: `[N, d1, …] -> [rows.count, d1, …]`.
    public func readRows<Element: HDF5Scalar>(_ rows: Range<Int>, as type: Element.Type = Element.self) throws -> HDF5Array<Element> {
        let rowShape = [rows.count] + shape.dropFirst()
        return try allocatingRead(shape: rowShape) { try readRows(rows, into: $0) }
    }

    /// Reads rows `rows` along axis 0 into `buffer`, which must hold exactly
    /// `rows.count * d1 * …` elements (reuse one buffer per batch to avoid allocations).
    public func readRows<Element: HDF5Scalar>(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Element>) throws {
        try read(rows: rows, into: buffer)
    }

    // MARK: - Implementation

    /// Throws unless `count` elements of this dataset fit in this machine's memory: a file
    /// may declare terabytes in a few bytes (an unwritten chunked dataset), and reading it
    /// must be an error, not a failed allocation.
    public func checkFitsInMemory(elements count: Int) throws {
        let bytes = Double(count) * Double(max(1, elementType.byteCount))
        guard MemoryLimit.allows(bytes) else {
            throw HDF5Error.invalidArgument(
                file: context.path, object: objectDescription,
                detail: "its \(count) elements (shape \(shape)) would need \(MemoryLimit.gibibytes(bytes)), \(MemoryLimit.phrase); "
                    + "the file is damaged, or read it in rows with readRows")
        }
    }

    private func allocatingRead<Element: HDF5Scalar>(
        shape: [Int], _ fill: (UnsafeMutableBufferPointer<Element>) throws -> Void
    ) throws -> HDF5Array<Element> {
        try checkElementType(Element.self)
        try checkFitsInMemory(elements: shape.reduce(1, *))
        let values = try [Element](unsafeUninitializedCapacity: shape.reduce(1, *)) { buffer, initialized in
            try fill(buffer)
            initialized = buffer.count
        }
        return HDF5Array(shape: shape, values: values)
    }

    /// Reads the selected rows (all of the dataset for `nil`) into `buffer`.
    private func read<Element: HDF5Scalar>(rows: Range<Int>?, into buffer: UnsafeMutableBufferPointer<Element>) throws {
        try context.perform(on: objectDescription) { location in
            try checkElementType(Element.self)
            var selectedShape = shape
            if let rows {
                guard let rowCount = shape.first else {
                    throw location.invalid("is a scalar, which has no rows; read it whole with read()")
                }
                guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
                    throw location.invalid("rows \(rows.lowerBound)..<\(rows.upperBound) are outside its \(rowCount) rows (0..<\(rowCount))")
                }
                selectedShape[0] = rows.count
            }
            let count = selectedShape.reduce(1, *)
            guard buffer.count == count else {
                throw location.invalid("the buffer holds \(buffer.count) elements, the selection of shape \(selectedShape) needs \(count)")
            }
            guard count > 0 else { return }
            let datatype = try HDF5Dataset.nativeDatatype(of: Element.self, at: location)
            guard let rows else {
                try location.check(H5Dread(handle.id, datatype, mb_h5s_all(), mb_h5s_all(), mb_h5p_default(), buffer.baseAddress),
                                   "reading the values")
                return
            }
            try location.withTemporary("reading the dataspace", create: { H5Dget_space(handle.id) }, close: H5Sclose) { fileSpace in
                var start = [hsize_t](repeating: 0, count: shape.count)
                start[0] = hsize_t(rows.lowerBound)
                let extents = selectedShape.map { hsize_t($0) }
                try location.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, extents, nil), "selecting the rows")
                try location.withTemporary("creating the memory dataspace", create: { HDF5Dataspace.create(shape: selectedShape) },
                                           close: H5Sclose) { memorySpace in
                    try location.check(H5Dread(handle.id, datatype, memorySpace, fileSpace, mb_h5p_default(), buffer.baseAddress),
                                       "reading rows \(rows.lowerBound)..<\(rows.upperBound)")
                }
            }
        }
    }

    /// The in-memory datatype of `Element`, or an error for an element type HDF5IO cannot map.
    static func nativeDatatype<Element: HDF5Scalar>(of type: Element.Type, at location: HDF5Location) throws -> hid_t {
        guard let datatype = Element.hdf5ElementType.nativeDatatype else {
            throw location.invalid("element type \(Element.hdf5ElementType) has no HDF5 equivalent; use Float, Double or a fixed-width integer")
        }
        return datatype
    }
}
