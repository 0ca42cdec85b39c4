import HDF5IO
import TensorCore

extension HDF5Group {
    /// Writes `tensor` as a new float32 dataset of its shape at `path` (no copy).
    @discardableResult
    public func write(_ tensor: Tensor, to path: String) throws -> HDF5Dataset {
        try tensor.withUnsafeScalars { scalars in
            try write(UnsafeBufferPointer(start: scalars, count: tensor.count), shape: tensor.shape, to: path)
        }
    }
}

extension HDF5Dataset {
    /// The float32 dataset as a tensor of its shape, read straight into the tensor's storage.
    public func readTensor() throws -> Tensor {
        try checkElementType(Float.self)
        try checkFitsInMemory(elements: count)
        return try Tensor(shape: shape) { scalars, count in
            try read(into: UnsafeMutableBufferPointer(start: scalars, count: count))
        }
    }
}
