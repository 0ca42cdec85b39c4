import Foundation
@testable import HDF5IO
import PropertyBased
import TensorCore
import TestSupport
import Testing

/// Round trips of every element type and shape, groups, listings, attributes and row slabs.
@Suite struct HDF5FileTests {
    /// Writes `values` with `shape`, reopens the file and reads them back.
    private func roundTrip<Element: HDF5Scalar>(_ values: [Element], shape: [Int]) throws -> HDF5Array<Element> {
        let folder = TemporaryFolder()
        let path = folder.file("round-trip.h5")
        let file = try HDF5File.create(path)
        try file.write(values, shape: shape, to: "data")
        try file.close()
        let reopened = try HDF5File.open(path)
        let dataset = try reopened.dataset("data")
        #expect(dataset.elementType == Element.hdf5ElementType)
        #expect(dataset.shape == shape)
        return try dataset.read(as: Element.self)
    }

    @Test func float32KeepsEveryBitPattern() throws {
        let special: [Float] = [0, -0.0, 1, -1.5, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                Float(bitPattern: 0x7FC0_1234), 3.25, 1e-20, -7]
        let read = try roundTrip(special, shape: [2, 3, 2])
        #expect(read.shape == [2, 3, 2])
        #expect(read.values.map(\.bitPattern) == special.map(\.bitPattern))
    }

    @Test func float64RoundTrips() throws {
        let values: [Double] = [.pi, -.ulpOfOne, 1e300, -0.0, .nan, 42]
        let read = try roundTrip(values, shape: [6])
        #expect(read.values.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func integersRoundTripAtTheirExtremes() throws {
        #expect(try roundTrip([UInt8(0), 1, 127, 128, 254, 255], shape: [3, 2]).values == [0, 1, 127, 128, 254, 255])
        #expect(try roundTrip([Int64.min, -1, 0, 1, .max], shape: [5]).values == [.min, -1, 0, 1, .max])
        #expect(try roundTrip([UInt64.max, 0, 1 << 63], shape: [1, 3]).values == [.max, 0, 1 << 63])
        #expect(try roundTrip([Int32.min, 5], shape: [2]).values == [.min, 5])
    }

    @Test func rankZeroIsAScalarDataset() throws {
        let read = try roundTrip([Float(2.5)], shape: [])
        #expect(read.shape == [])
        #expect(read.values == [2.5])
    }

    @Test(arguments: [[0], [3, 0], [0, 4, 2]])
    func emptyArraysKeepTheirShape(shape: [Int]) throws {
        let read = try roundTrip([Float](), shape: shape)
        #expect(read.shape == shape)
        #expect(read.values.isEmpty)
    }

    @Test func randomShapesRoundTrip() async {
        await propertyCheck(count: 20, input: Gen.int(in: 0...5).array(of: 1...4), Gen.uint64(in: 0...UInt64.max)) { shape, seed throws in
            var random = RandomStream(seed: seed)
            let values = random.normal([shape.reduce(1, *)], standardDeviation: 1e4).scalars
            let read = try roundTrip(values, shape: shape)
            #expect(read == HDF5Array(shape: shape, values: values))
        }
    }

    @Test func anyRowSlabEqualsTheSameRowsOfTheWholeArray() async {
        await propertyCheck(count: 20, input: Gen.int(in: 1...12), Gen.int(in: 1...4), Gen.uint64(in: 0...UInt64.max)) { rows, width, seed throws in
            var random = RandomStream(seed: seed)
            let values = (0..<rows * width).map { _ in UInt8(random.integer(in: 0..<256)) }
            let start = random.integer(in: 0..<rows + 1)
            let end = random.integer(in: start..<rows + 1)
            let folder = TemporaryFolder()
            let file = try HDF5File.create(folder.file("slab.h5"))
            let dataset = try file.write(values, shape: [rows, 1, width], to: "data")
            let slab = try dataset.readRows(start..<end, as: UInt8.self)
            #expect(slab == HDF5Array(shape: [end - start, 1, width], values: Array(values[start * width..<end * width])))
        }
    }

    @Test func slashPathsCreateGroupsAndDottedNamesStayFlat() throws {
        let folder = TemporaryFolder()
        let file = try HDF5File.create(folder.file("groups.h5"))
        try file.write([Float(1)], shape: [1], to: "modules/generator/layers.0.weight")
        try file.write([Float(2)], shape: [1], to: "modules/generator/layers.0.bias")
        try file.write([UInt8(3)], shape: [1], to: "modules/critic/scale")
        try file.write([Int64(4)], shape: [], to: "step")
        try file.createGroup("empty/inside")

        #expect(try file.memberNames() == ["empty", "modules", "step"])
        #expect(try file.group("modules").memberNames() == ["critic", "generator"])
        #expect(try file.datasetPaths() == ["modules/critic/scale", "modules/generator/layers.0.bias",
                                            "modules/generator/layers.0.weight", "step"])
        let generator = try file.group("modules/generator")
        #expect(generator.name == "/modules/generator")
        #expect(try generator.datasetPaths() == ["layers.0.bias", "layers.0.weight"])
        #expect(try generator.read("layers.0.bias", as: Float.self).values == [2])
        #expect(try generator.read("/modules/critic/scale", as: UInt8.self).values == [3])
        #expect(try file.contains("modules/generator/layers.0.weight"))
        #expect(try !file.contains("modules/generator/layers.1.weight"))
        #expect(try !file.contains("nowhere/at/all"))
        #expect(try file.createGroup("modules").name == "/modules", "createGroup returns an existing group")
    }

    @Test func attributesOnFileGroupAndDataset() throws {
        let folder = TemporaryFolder()
        let path = folder.file("attributes.h5")
        do {
            let file = try HDF5File.create(path)
            try file.attributes.set("config", "lr=2e-4, σ=0.5 — ü")
            try file.attributes.set("step", 1200)
            try file.attributes.set("step", 1300)  // replaces
            try file.attributes.set("learning_rate", 2e-4)
            try file.attributes.set("betas", [Float(0.5), 0.999])
            try file.attributes.set("seed", UInt64.max)
            try file.createGroup("model").attributes.set("kind", "generator")
            try file.write([Float(0)], shape: [1], to: "model/w").attributes.set("scale", Float(0.25))
        }
        let file = try HDF5File.open(path)
        #expect(try file.attributes.names() == ["betas", "config", "learning_rate", "seed", "step"])
        #expect(try file.attributes.string("config") == "lr=2e-4, σ=0.5 — ü")
        #expect(try file.attributes.value("step", as: Int.self) == 1300)
        #expect(try file.attributes.elementType(of: "step") == .int64)
        #expect(try file.attributes.value("learning_rate", as: Double.self) == 2e-4)
        #expect(try file.attributes.values("betas", as: Float.self) == [0.5, 0.999])
        #expect(try file.attributes.value("seed", as: UInt64.self) == .max)
        #expect(try file.group("model").attributes.string("kind") == "generator")
        #expect(try file.dataset("model/w").attributes.value("scale", as: Float.self) == 0.25)
        #expect(try file.attributes.contains("config"))
        #expect(try !file.attributes.contains("commit"))
    }

    @Test func rowSlabsReadAlongTheFirstAxis() throws {
        let folder = TemporaryFolder()
        let file = try HDF5File.create(folder.file("rows.h5"))
        let dataset = try file.write((0..<30).map(Float.init), shape: [10, 3], to: "images")
        let rows = try dataset.readRows(2..<5, as: Float.self)
        #expect(rows == HDF5Array(shape: [3, 3], values: (6..<15).map(Float.init)))
        #expect(try dataset.readRows(9..<10, as: Float.self).values == [27, 28, 29])
        #expect(try dataset.readRows(4..<4, as: Float.self) == HDF5Array(shape: [0, 3], values: []))

        var buffer = [Float](repeating: -1, count: 6)
        try buffer.withUnsafeMutableBufferPointer { try dataset.readRows(7..<9, into: $0) }
        #expect(buffer == [21, 22, 23, 24, 25, 26])

        let cube = try file.write((0..<24).map { UInt8($0) }, shape: [4, 3, 2], to: "cube")
        #expect(try cube.readRows(3..<4, as: UInt8.self) == HDF5Array(shape: [1, 3, 2], values: (18..<24).map { UInt8($0) }))
    }

    @Test func rowSlabsRejectBadRangesAndBuffers() throws {
        let folder = TemporaryFolder()
        let path = folder.file("rows.h5")
        let file = try HDF5File.create(path)
        let dataset = try file.write((0..<30).map(Float.init), shape: [10, 3], to: "images")
        let outside = #expect(throws: HDF5Error.self) { try dataset.readRows(8..<11, as: Float.self) }
        #expect(outside?.description.contains("rows 8..<11 are outside its 10 rows") == true)
        #expect(outside?.description.contains("dataset 'images' in \(path)") == true)
        var small = [Float](repeating: 0, count: 5)
        let tooSmall = #expect(throws: HDF5Error.self) {
            try small.withUnsafeMutableBufferPointer { try dataset.readRows(0..<2, into: $0) }
        }
        #expect(tooSmall?.description.contains("holds 5 elements, the selection of shape [2, 3] needs 6") == true)
        let scalar = try file.write([Float(1)], shape: [], to: "scalar")
        #expect(throws: HDF5Error.self) { try scalar.readRows(0..<1, as: Float.self) }
        #expect(throws: HDF5Error.self) { try dataset.readRows(0..<1, as: Double.self) }
    }

    @Test func writesThatCannotWorkAreErrors() throws {
        let folder = TemporaryFolder()
        let path = folder.file("writes.h5")
        let file = try HDF5File.create(path)
        try file.write([Float(1), 2], shape: [2], to: "model/w")
        #expect(throws: HDF5Error.objectExists(file: path, object: "dataset 'model/w'")) {
            try file.write([Float(1), 2], shape: [2], to: "model/w")
        }
        let count = #expect(throws: HDF5Error.self) { try file.write([Float(1), 2, 3], shape: [2, 2], to: "v") }
        #expect(count?.description.contains("3 values do not fill shape [2, 2], which needs 4") == true)
        #expect(throws: HDF5Error.self) { try file.write([Float](), shape: [-1], to: "negative") }
        try file.close()
        let closed = #expect(throws: HDF5Error.self) { try file.write([Float(1)], shape: [1], to: "late") }
        #expect(closed?.description.contains("closed") == true)

        let readOnly = try HDF5File.open(path)
        let refused = #expect(throws: HDF5Error.self) { try readOnly.write([Float(1)], shape: [1], to: "x") }
        #expect(refused?.description.contains("read-only") == true)
        #expect(throws: HDF5Error.self) { try readOnly.attributes.set("x", 1) }
    }

    @Test func objectsKeepTheFileOpenAfterTheFileValueIsGone() throws {
        let folder = TemporaryFolder()
        let path = folder.file("lifetime.h5")
        try HDF5File.writeAtomically(to: path) { try $0.write([Int64(7), 8], shape: [2], to: "g/values") }
        let dataset = try HDF5File.open(path).dataset("g/values")
        #expect(try dataset.read(as: Int64.self).values == [7, 8])
        #expect(dataset.filePath == path)
    }

    /// A program started while a file is open (an MPI launcher, a daemon) with plain
    /// posix_spawn, which passes on every descriptor not marked close-on-exec, gets no copy of
    /// the file's descriptor — a copy would keep HDF5's lock after the file is closed here, and
    /// opening it again would fail with "unable to lock file".
    @Test func aProgramStartedWhileAFileIsOpenDoesNotKeepIt() throws {
        let folder = TemporaryFolder()
        let path = folder.file("held.h5")
        let file = try HDF5File.create(path)
        try file.write([Float(1), 2], shape: [2], to: "x")
        var child: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { argv.forEach { free($0) } }
        // Started while no other test is between HDF5's open and the close-on-exec mark (a raw
        // posix_spawn, unlike Foundation's Process, passes every inheritable descriptor on):
        // the child may only see this test's file, fully opened.
        #expect(HDF5Library.serialized { posix_spawn(&child, "/bin/sleep", nil, nil, argv, environ) } == 0)
        defer { kill(child, SIGKILL); waitpid(child, nil, 0) }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child)/fd")
        let open = descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child)/fd/\($0)") }
        #expect(!open.contains(path), "the child holds \(path) open")
        try file.close()
        #expect(try HDF5File.open(path).read("x", as: Float.self, shape: [2]).values == [1, 2])
        let rewritten = try HDF5File.create(path, overwrite: true)
        try rewritten.write([Float(3)], shape: [1], to: "x")
        try rewritten.close()
    }

    @Test func concurrentReadersAndWritersDoNotInterfere() async throws {
        let folder = TemporaryFolder()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                let path = folder.file("concurrent-\(index).h5")
                group.addTask {
                    let values = (0..<500).map { Float($0 * index) }
                    try HDF5File.writeAtomically(to: path) { try $0.write(values, shape: [50, 10], to: "data") }
                    return try HDF5File.open(path).read("data", as: Float.self, shape: [50, 10]).values == values
                }
            }
            for try await matched in group { #expect(matched) }
        }
    }
}
