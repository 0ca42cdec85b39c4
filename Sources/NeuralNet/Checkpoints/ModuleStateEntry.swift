import HDF5IO
import TensorCore

/// One piece of a module's checkpointed state, found by reflection under its dotted path:
/// a parameter or buffer (a float32 dataset of its shape) or a random state (uint64 `[2]`).
enum ModuleStateEntry {
    case parameter(Parameter)
    case buffer(Buffer)
    case randomState(RandomState)

    /// Every parameter, buffer and random state below `module`, by dotted path.
    static func entries(of module: Module) -> [(path: String, entry: ModuleStateEntry)] {
        module.namedParameters.map { ($0.path, .parameter($0.parameter)) }
            + module.namedBuffers.map { ($0.path, .buffer($0.buffer)) }
            + module.namedRandomStates.map { ($0.path, .randomState($0.state)) }
    }

    var kind: String {
        switch self {
        case .parameter: return "parameter"
        case .buffer: return "buffer"
        case .randomState: return "random state"
        }
    }

    var elementType: HDF5ElementType {
        if case .randomState = self { return UInt64.hdf5ElementType }
        return Float.hdf5ElementType
    }

    var shape: [Int] {
        switch self {
        case let .parameter(parameter): return parameter.shape
        case let .buffer(buffer): return buffer.wrappedValue.shape
        case .randomState: return RandomStreamCoding.shape
        }
    }

    /// Writes the current value as the dataset `path` of `group`.
    func write(to group: HDF5Group, at path: String) throws {
        switch self {
        case let .parameter(parameter): try group.write(parameter.tensor, to: path)
        case let .buffer(buffer): try group.write(buffer.wrappedValue, to: path)
        case let .randomState(state):
            try group.write(RandomStreamCoding.encode(state.wrappedValue), shape: RandomStreamCoding.shape, to: path)
        }
    }

    /// Reads the stored value from `dataset` (already checked for type and shape) and returns
    /// the assignment that installs it, so nothing changes until every read has succeeded.
    /// Parameters are overwritten in place and keep their autodiff identity.
    func stage(from dataset: HDF5Dataset) throws -> () -> Void {
        switch self {
        case let .parameter(parameter):
            let value = try dataset.readTensor()
            return {
                parameter.update { destination, count in
                    value.withUnsafeScalars { destination.update(from: $0, count: count) }
                }
            }
        case let .buffer(buffer):
            let value = try dataset.readTensor()
            return { buffer.wrappedValue = value }
        case let .randomState(state):
            let stream = RandomStreamCoding.decode(try dataset.read(as: UInt64.self, shape: RandomStreamCoding.shape).values)
            return { state.wrappedValue = stream }
        }
    }
}
