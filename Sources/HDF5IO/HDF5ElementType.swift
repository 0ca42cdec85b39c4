import CHDF5

/// The element type of a dataset or attribute, named like NumPy (`float32`, `uint8`, `int64`).
public enum HDF5ElementType: Equatable, Hashable, Sendable, CustomStringConvertible {
    case float(bits: Int)
    case signedInteger(bits: Int)
    case unsignedInteger(bits: Int)
    case string
    /// Any other HDF5 type class (compound, enum, array, opaque, reference, …), by name.
    case other(String)

    public static let float32 = HDF5ElementType.float(bits: 32)
    public static let float64 = HDF5ElementType.float(bits: 64)
    public static let uint8 = HDF5ElementType.unsignedInteger(bits: 8)
    public static let int64 = HDF5ElementType.signedInteger(bits: 64)
    public static let uint64 = HDF5ElementType.unsignedInteger(bits: 64)

    /// Bytes per element (0 for strings and other classes, whose size varies).
    public var byteCount: Int {
        switch self {
        case let .float(bits), let .signedInteger(bits), let .unsignedInteger(bits): return bits / 8
        case .string, .other: return 0
        }
    }

    public var description: String {
        switch self {
        case let .float(bits): return "float\(bits)"
        case let .signedInteger(bits): return "int\(bits)"
        case let .unsignedInteger(bits): return "uint\(bits)"
        case .string: return "string"
        case let .other(name): return name
        }
    }

    /// The element type of an HDF5 datatype.
    init(datatype: hid_t) {
        let bits = H5Tget_size(datatype) * 8
        switch H5Tget_class(datatype) {
        case H5T_FLOAT: self = .float(bits: bits)
        case H5T_INTEGER: self = H5Tget_sign(datatype) == H5T_SGN_NONE ? .unsignedInteger(bits: bits) : .signedInteger(bits: bits)
        case H5T_STRING: self = .string
        case H5T_COMPOUND: self = .other("compound")
        case H5T_ENUM: self = .other("enum")
        case H5T_ARRAY: self = .other("array")
        case H5T_VLEN: self = .other("variable-length sequence")
        case H5T_OPAQUE: self = .other("opaque")
        case H5T_BITFIELD: self = .other("bitfield")
        case H5T_REFERENCE: self = .other("reference")
        case H5T_TIME: self = .other("time")
        default: self = .other("unknown type")
        }
    }

    /// The in-memory HDF5 datatype of this element type, or `nil` when there is none.
    var nativeDatatype: hid_t? {
        switch self {
        case .float(32): return mb_h5t_native_float()
        case .float(64): return mb_h5t_native_double()
        case .signedInteger(8): return mb_h5t_native_int8()
        case .signedInteger(16): return mb_h5t_native_int16()
        case .signedInteger(32): return mb_h5t_native_int32()
        case .signedInteger(64): return mb_h5t_native_int64()
        case .unsignedInteger(8): return mb_h5t_native_uint8()
        case .unsignedInteger(16): return mb_h5t_native_uint16()
        case .unsignedInteger(32): return mb_h5t_native_uint32()
        case .unsignedInteger(64): return mb_h5t_native_uint64()
        default: return nil
        }
    }
}

/// A Swift number type that HDF5 datasets and attributes store without conversion.
///
/// `Float` is `float32`, `Double` is `float64`, `UInt8` is `uint8`, `Int64` is `int64`, and so on;
/// `Int` is stored as `int64` (or `int32` on 32-bit platforms).
public protocol HDF5Scalar {
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Float: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Double: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .float64 } }
extension Int8: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .signedInteger(bits: 8) } }
extension Int16: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .signedInteger(bits: 16) } }
extension Int32: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .signedInteger(bits: 32) } }
extension Int64: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension Int: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .signedInteger(bits: Int.bitWidth) } }
extension UInt8: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
extension UInt16: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .unsignedInteger(bits: 16) } }
extension UInt32: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .unsignedInteger(bits: 32) } }
extension UInt64: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .uint64 } }
