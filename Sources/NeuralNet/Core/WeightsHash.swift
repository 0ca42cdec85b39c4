import TensorCore

extension Module {
    /// The 64-bit FNV-1a hash of the modules' parameter values, then their buffers' (batch-norm
    /// statistics), each in path order, little-endian float bytes: which weights a number was
    /// computed with (recorded beside metrics; not cryptographic).
    public static func weightsHash(of modules: [Module]) -> String {
        var hash = FNV1aHash()
        for module in modules {
            for (_, parameter) in module.namedParameters { parameter.tensor.scalars.withUnsafeBytes { hash.combine(bytes: $0) } }
        }
        for module in modules {
            for (_, buffer) in module.namedBuffers { buffer.wrappedValue.scalars.withUnsafeBytes { hash.combine(bytes: $0) } }
        }
        return hash.hex
    }

    /// `Module.weightsHash(of: [self])`.
    public var weightsHash: String { Module.weightsHash(of: [self]) }
}
