import Datasets
import Foundation
import TensorCore
import Testing

@Suite struct ProceduralGlyphsTests {
    @Test func glyphsAreReproducibleAndInRange() throws {
        let glyphs = ProceduralGlyphs()
        var a = RandomStream(seed: 5), b = RandomStream(seed: 5)
        let first = try glyphs.glyphs(count: 20, random: &a), second = try glyphs.glyphs(count: 20, random: &b)
        #expect(first.pixels == second.pixels && first.classes == second.classes)
        #expect(first.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(first.pixels.count == 20 * 32 * 32)
    }

    /// The ten classes are ten different shapes: the mean noiseless image of each class is far
    /// from every other class's, and a "1" has less ink than an "8".
    @Test func theClassesAreDistinctShapes() throws {
        var glyphs = ProceduralGlyphs()
        glyphs.noise = 0
        var random = RandomStream(seed: 6)
        let (pixels, classes) = try glyphs.glyphs(count: 600, random: &random)
        let plane = 32 * 32
        var means = [[Double]](repeating: [Double](repeating: 0, count: plane), count: 10), counts = [Double](repeating: 0, count: 10)
        for (index, digit) in classes.enumerated() {
            counts[digit] += 1
            for i in 0..<plane { means[digit][i] += Double(pixels[index * plane + i]) }
        }
        #expect(counts.allSatisfy { $0 > 30 })
        for digit in 0..<10 { means[digit] = means[digit].map { $0 / counts[digit] } }
        for i in 0..<10 {
            for j in (i + 1)..<10 {
                let distance = zip(means[i], means[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                #expect(distance > 1, "classes \(i) and \(j)")
            }
        }
        #expect(means[1].reduce(0, +) < 0.5 * means[8].reduce(0, +))
    }

    @Test func stackedSamplesHaveAThousandModes() throws {
        var random = RandomStream(seed: 7)
        let (images, modes) = try ProceduralGlyphs().stacked(count: 300, random: &random)
        #expect(images.shape == [300, 3, 32, 32])
        #expect(images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(modes.allSatisfy { (0..<1000).contains($0) })
        #expect(Set(modes).count > 250)  // 300 draws from 1,000 equally likely modes
    }
}
