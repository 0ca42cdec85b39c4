import Evaluation
import ExperimentRuns
import Foundation
import ImageExperiments
import TestSupport
import Testing
import Training

/// The image parts score their glyph runs with a copy of a reference classifier
/// (`GlyphAssets.prepare(reference:)`), so that a build's other summation orders cannot move
/// the scores; one of another step count is left alone, and an unreadable one stops the part.
@Suite struct ReferenceClassifierTests {
    /// The committed reference: the weights the README's and RESULTS.md's tables were scored with.
    @Test func theShippedReferenceIsTheDocumentedClassifier() throws {
        let path = Chapter4ImageScale.referenceClassifier
        let report = try GlyphAssets.classifierReport(at: path)
        let (classifier, metadata) = try GlyphClassifier.load(from: path)
        #expect(classifier.weightsHash == "643732107fe06244", "the weights are the ones the tables were scored with")
        #expect(report.weightsHash == classifier.weightsHash && metadata["image_size"] == "32")
        let scale = try Chapter4ImageScale.named("default")
        #expect(report.steps == scale.classifierSteps && report.heldOutAccuracy >= scale.requiredAccuracy)
    }

    @Test func aMatchingReferenceIsCopiedNotRetrained() throws {
        try Fixture.prepared.get()
        let folder = TemporaryFolder()
        let assets = try GlyphAssets.prepare(in: folder.path, trainingImages: 16, classifierSteps: 3, requiredAccuracy: 0,
                                             reference: Fixture.classifierPath)
        let copied = try Data(contentsOf: URL(fileURLWithPath: assets.classifier))
        let reference = try Data(contentsOf: URL(fileURLWithPath: Fixture.classifierPath))
        #expect(copied == reference)
        // A classifier trained anew would report its own training time.
        #expect(assets.report == (try GlyphAssets.classifierReport(at: Fixture.classifierPath)))
    }

    @Test func aReferenceOfAnotherStepCountIsNotUsed() throws {
        try Fixture.prepared.get()
        let folder = TemporaryFolder()
        let assets = try GlyphAssets.prepare(in: folder.path, trainingImages: 16, classifierSteps: 2, requiredAccuracy: 0,
                                             reference: Fixture.classifierPath)
        #expect(assets.report.steps == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: assets.classifier))
            != Data(contentsOf: URL(fileURLWithPath: Fixture.classifierPath)))
    }

    @Test func anUnreadableReferenceStopsThePartAndNamesIt() throws {
        let folder = TemporaryFolder()
        let broken = folder.path + "/broken.h5"
        try Data("not an HDF5 file".utf8).write(to: URL(fileURLWithPath: broken))
        let error = #expect(throws: ConfigError.self) {
            try GlyphAssets.prepare(in: folder.path + "/part", trainingImages: 16, classifierSteps: 3, requiredAccuracy: 0,
                                    reference: broken)
        }
        #expect(error.map { "\($0)".contains(broken) && "\($0)".contains("TRAIN_CLASSIFIER=1") } == true)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/part/data/glyph-classifier.h5"))
    }
}
