import Foundation
import HDF5IO
import TestSupport
import Testing

/// Every way a file can be wrong ends in an `HDF5Error` naming the file, the object and the fix.
@Suite struct HDF5ErrorTests {
    /// A valid file with a dataset `a.b` of float32 `[3, 4]` and `x` of float64 `[2]`.
    private func writeValidFile(_ path: String) throws {
        try HDF5File.writeAtomically(to: path) { file in
            try file.write((0..<12).map(Float.init), shape: [3, 4], to: "a.b")
            try file.write([Double(1), 2], shape: [2], to: "x")
            try file.write((0..<2000).map(Float.init), shape: [2000], to: "bulk/values")
        }
    }

    @Test func missingFileIsNamed() throws {
        let folder = TemporaryFolder()
        let path = folder.file("nowhere/run.h5")
        let error = #expect(throws: HDF5Error.fileNotFound(file: path)) { try HDF5File.open(path) }
        #expect(error?.description.hasPrefix("file \(path) does not exist") == true)
    }

    @Test func truncatedFileIsReportedAsDamaged() throws {
        let folder = TemporaryFolder()
        let path = folder.file("truncated.h5")
        try writeValidFile(path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
        guard case .unreadableFile(let file, let detail)? = error else {
            Issue.record("expected unreadableFile, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(detail.contains("truncated"), "HDF5's own reason is passed on: \(detail)")
        #expect(error?.description.contains("file \(path) is an HDF5 file that cannot be read (truncated or damaged") == true)
    }

    /// A file another program holds locked (here `flock`, as a writer's HDF5 would) is reported
    /// as locked, with the way out — not as a damaged file.
    @Test func aFileLockedElsewhereIsNamedAsLocked() throws {
        let folder = TemporaryFolder()
        let path = folder.file("locked.h5")
        try writeValidFile(path)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--exclusive", "--no-fork", path, "/bin/sleep", "30"]
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        var refusal: HDF5Error?
        for _ in 0..<100 where refusal == nil {
            do { _ = try HDF5File.open(path); usleep(50_000) } catch let error as HDF5Error { refusal = error }
        }
        guard case .fileLocked(let file, _)? = refusal else {
            Issue.record("expected fileLocked, got \(String(describing: refusal))")
            return
        }
        #expect(file == path)
        #expect(refusal?.description.contains("HDF5_USE_FILE_LOCKING=FALSE") == true)
        #expect(throws: HDF5Error.self) { try HDF5File.create(path, overwrite: true) }
    }

    @Test func fileCutBeforeItsHeaderIsNotHDF5() throws {
        let folder = TemporaryFolder()
        let path = folder.file("stub.h5")
        try writeValidFile(path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(4).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error?.description.contains("file \(path) is not an HDF5 file") == true)
    }

    @Test(arguments: ["text", "png", "random", "empty"])
    func foreignFilesAreNotHDF5(kind: String) throws {
        let folder = TemporaryFolder()
        let path = folder.file("\(kind).h5")
        let contents: Data
        switch kind {
        case "text": contents = Data("name,value\nlr,0.0002\n".utf8)
        case "png": contents = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 600))
        case "random":
            var generator = SystemRandomNumberGenerator()
            contents = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        default: contents = Data()
        }
        try contents.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
        guard case .notHDF5(let file, let detail)? = error else {
            Issue.record("expected notHDF5, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(detail.contains(kind == "empty" ? "empty" : "signature"))
        #expect(error?.description.hasPrefix("file \(path) is not an HDF5 file") == true)
    }

    @Test func folderIsNotAFile() throws {
        let folder = TemporaryFolder()
        #expect(throws: HDF5Error.notHDF5(file: folder.path, detail: "it is a folder; name a file inside it")) {
            try HDF5File.open(folder.path)
        }
    }

    @Test func wrongElementTypeNamesBothTypes() throws {
        let folder = TemporaryFolder()
        let path = folder.file("types.h5")
        try writeValidFile(path)
        let file = try HDF5File.open(path)
        let error = #expect(throws: HDF5Error.wrongElementType(file: path, object: "dataset 'x'", stored: .float64, expected: .float32)) {
            try file.read("x", as: Float.self)
        }
        #expect(error?.description.hasPrefix("dataset 'x' in \(path) holds float64, expected float32") == true)
        #expect(throws: HDF5Error.self) { try file.read("a.b", as: UInt8.self) }
        #expect(try file.dataset("x").elementType == .float64)
    }

    @Test func wrongShapeNamesBothShapes() throws {
        let folder = TemporaryFolder()
        let path = folder.file("shapes.h5")
        try writeValidFile(path)
        let file = try HDF5File.open(path)
        let error = #expect(throws: HDF5Error.wrongShape(file: path, object: "dataset 'a.b'", stored: [3, 4], expected: [4, 3])) {
            try file.read("a.b", as: Float.self, shape: [4, 3])
        }
        #expect(error?.description.hasPrefix("dataset 'a.b' in \(path) has shape [3, 4], expected [4, 3]") == true)
        #expect(try file.read("a.b", as: Float.self, shape: [3, 4]).values.count == 12)
    }

    @Test func missingObjectsListWhatIsThere() throws {
        let folder = TemporaryFolder()
        let path = folder.file("objects.h5")
        try writeValidFile(path)
        let file = try HDF5File.open(path)
        #expect(throws: HDF5Error.objectNotFound(file: path, object: "dataset 'a.c'", available: ["a.b", "bulk/values", "x"])) {
            try file.dataset("a.c")
        }
        #expect(throws: HDF5Error.objectNotFound(file: path, object: "group 'model'", available: ["bulk"])) {
            try file.group("model")
        }
        #expect(throws: HDF5Error.wrongObjectKind(file: path, name: "bulk", found: "group", expected: "dataset")) {
            try file.dataset("bulk")
        }
        #expect(throws: HDF5Error.wrongObjectKind(file: path, name: "x", found: "dataset", expected: "group")) {
            try file.group("x")
        }
        let attribute = #expect(throws: HDF5Error.self) { try file.attributes.string("config") }
        #expect(attribute?.description.hasPrefix("attribute 'config' of group '/' is not in \(path)") == true)
    }

    @Test func wronglyTypedAttributesAreErrors() throws {
        let folder = TemporaryFolder()
        let path = folder.file("attributes.h5")
        let file = try HDF5File.create(path)
        try file.attributes.set("step", 3)
        try file.attributes.set("name", "gan")
        try file.attributes.set("pair", [1.0, 2.0])
        #expect(throws: HDF5Error.wrongElementType(file: path, object: "attribute 'step' of group '/'", stored: .int64, expected: .string)) {
            try file.attributes.string("step")
        }
        #expect(throws: HDF5Error.wrongElementType(file: path, object: "attribute 'name' of group '/'", stored: .string, expected: .int64)) {
            try file.attributes.value("name", as: Int64.self)
        }
        let pair = #expect(throws: HDF5Error.self) { try file.attributes.value("pair", as: Double.self) }
        #expect(pair?.description.contains("holds 2 values, expected one") == true)
    }

    @Test func creatingOverAnExistingFileNeedsOverwrite() throws {
        let folder = TemporaryFolder()
        let path = folder.file("existing.h5")
        try writeValidFile(path)
        let error = #expect(throws: HDF5Error.fileExists(file: path)) { try HDF5File.create(path) }
        #expect(error?.description.contains("pass overwrite: true") == true)
        try HDF5File.create(path, overwrite: true).close()
        #expect(try HDF5File.open(path).datasetPaths().isEmpty)
        let missingFolder = folder.file("no/such/folder/new.h5")
        let cannot = #expect(throws: HDF5Error.self) { try HDF5File.create(missingFolder) }
        #expect(cannot?.description.contains("does not exist; create it first") == true)
    }

    @Test func atomicWriteLeavesNothingBehindAndNeverClobbers() throws {
        let folder = TemporaryFolder()
        let path = folder.file("atomic.h5")
        try HDF5File.writeAtomically(to: path) { try $0.write([Float(1)], shape: [1], to: "v") }
        #expect(try folder.listing() == ["atomic.h5"])

        #expect(throws: HDF5Error.fileExists(file: path)) {
            try HDF5File.writeAtomically(to: path) { try $0.write([Float(2)], shape: [1], to: "v") }
        }
        #expect(try HDF5File.open(path).read("v", as: Float.self).values == [1])

        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try HDF5File.writeAtomically(to: path, overwrite: true) { file in
                try file.write([Float(3)], shape: [1], to: "v")
                throw Interrupted()
            }
        }
        #expect(try HDF5File.open(path).read("v", as: Float.self).values == [1], "a failed write keeps the old file")
        #expect(try folder.listing() == ["atomic.h5"], "and removes its temporary file")

        try HDF5File.writeAtomically(to: path, overwrite: true) { try $0.write([Float(4)], shape: [1], to: "v") }
        #expect(try HDF5File.open(path).read("v", as: Float.self).values == [4])
        #expect(try folder.listing() == ["atomic.h5"])
    }
}
