import CHDF5

/// Conversions between shapes and HDF5 dataspaces.
enum HDF5Dataspace {
    /// A new dataspace for `shape`: scalar for `[]`, simple otherwise (extents may be 0).
    static func create(shape: [Int]) -> hid_t {
        if shape.isEmpty { return H5Screate(H5S_SCALAR) }
        let extents = shape.map { hsize_t($0) }
        return H5Screate_simple(Int32(shape.count), extents, nil)
    }

    /// The shape of a dataspace: `[]` for a scalar, `[0]` for a null dataspace.
    static func shape(of space: hid_t, at location: HDF5Location) throws -> [Int] {
        let kind = H5Sget_simple_extent_type(space)
        if kind == H5S_SCALAR { return [] }
        if kind == H5S_NULL { return [0] }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw location.failure("reading the shape") }
        var extents = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space, &extents, nil) >= 0 else { throw location.failure("reading the shape") }
        // A file can declare any extents (a chunked dataset is never written out); a shape whose
        // element count does not fit in an Int is refused here, before anything multiplies it.
        var count = 1
        for extent in extents {
            let product = count.multipliedReportingOverflow(by: Int(clamping: extent))
            guard extent <= hsize_t(Int.max), !product.overflow else {
                throw location.invalid("declares the shape \(extents), whose element count overflows a 64-bit integer; "
                                       + "the file is damaged or was not written for this program")
            }
            count = product.partialValue
        }
        return extents.map { Int($0) }
    }
}
