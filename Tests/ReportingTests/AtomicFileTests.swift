import Foundation
import Reporting
import TestSupport
import Testing

/// Atomic writes leave either the old file or the new one, never temporary files, and
/// never replace a file unless asked.
@Suite struct AtomicFileTests {
    @Test func writesAndLeavesNoTemporaryFiles() throws {
        let folder = TemporaryFolder()
        let path = folder.file("results.csv")
        try AtomicFile.write("a,b\n1,2\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,2\n")
        #expect(try folder.listing() == ["results.csv"])
    }

    @Test func refusesToOverwriteUnlessAsked() throws {
        let folder = TemporaryFolder()
        let path = folder.file("manifest.json")
        try AtomicFile.write("first", to: path)
        let error = #expect(throws: ReportingError.fileExists(path: path)) {
            try AtomicFile.write("second", to: path, existing: .refuseOverwrite)
        }
        #expect(error?.description == "file \(path) already exists — choose another path (a new run folder), "
            + "or pass existing: .overwrite to replace it")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first")
        try AtomicFile.write("second", to: path, existing: .overwrite)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try folder.listing() == ["manifest.json"])
    }

    @Test func aMissingFolderIsNamedInTheError() throws {
        let folder = TemporaryFolder()
        let path = folder.file("missing/table.md")
        let error = #expect(throws: ReportingError.self) { try AtomicFile.write("x", to: path) }
        #expect(error?.description == "cannot write file \(path): the folder \(folder.path)/missing does not exist; create it first")
        #expect(try folder.listing().isEmpty)
    }
}
