import CHDF5
import Foundation
import HDF5IO
import TestSupport
import Testing

/// A file can declare any shape in a kilobyte (a chunked dataset that was never written):
/// reading one that overflows or exceeds this machine's memory is an `HDF5Error` naming the
/// dataset and its shape, never a failed allocation or an overflow trap (issue 14).
@Suite struct HDF5LyingShapeTests {
    /// Writes a file whose uint8 dataset `name` declares `shape`, chunked by `chunk`, no data.
    static func writeUnwrittenDataset(_ path: String, name: String, shape: [UInt64], chunk: [UInt64]) throws {
        let file = H5Fcreate(path, mb_h5f_acc_trunc(), mb_h5p_default(), mb_h5p_default())
        try #require(file >= 0)
        defer { H5Fclose(file) }
        let space = H5Screate_simple(Int32(shape.count), shape, nil)
        try #require(space >= 0, "HDF5 refused the dataspace \(shape)")
        defer { H5Sclose(space) }
        let properties = H5Pcreate(mb_h5p_dataset_create())
        defer { H5Pclose(properties) }
        H5Pset_chunk(properties, Int32(chunk.count), chunk)
        let dataset = H5Dcreate2(file, name, mb_h5t_native_uint8(), space, mb_h5p_default(), properties, mb_h5p_default())
        try #require(dataset >= 0)
        H5Dclose(dataset)
    }

    @Test func aShapeBeyondMemoryIsRefusedBeforeReading() throws {
        let folder = TemporaryFolder()
        let path = folder.file("huge.h5")
        try Self.writeUnwrittenDataset(path, name: "images", shape: [1 << 40, 32, 32, 3], chunk: [1, 32, 32, 3])
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 < 10_000)
        let dataset = try HDF5File.open(path).dataset("images")
        #expect(dataset.shape == [1 << 40, 32, 32, 3])
        #expect {
            _ = try dataset.read(as: UInt8.self)
        } throws: { error in
            "\(error)".contains("dataset 'images'") && "\(error)".contains("more than this machine's")
        }
        // Rows that fit are still readable (a dataset larger than memory streams by rows).
        #expect(try dataset.readRows(0..<2, as: UInt8.self).values == [UInt8](repeating: 0, count: 2 * 32 * 32 * 3))
    }

    @Test func aShapeWhoseElementCountOverflowsIsRefusedWhenOpened() throws {
        let folder = TemporaryFolder()
        let path = folder.file("overflow.h5")
        try Self.writeUnwrittenDataset(path, name: "images", shape: [1 << 62, 1 << 20, 32, 3], chunk: [1, 1, 32, 3])
        #expect {
            _ = try HDF5File.open(path).dataset("images")
        } throws: { error in
            "\(error)".contains("overflows a 64-bit integer")
        }
    }
}
