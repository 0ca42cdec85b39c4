import Evaluation
import Foundation
import TensorCore
import Testing

@Suite struct SpectralDistanceTests {
    /// cos(2π f x / W) has all its power at radius f: |F|² / (HW) = HW/4 at (0, ±f), averaged
    /// over the frequencies of that radius.
    @Test func aCosineHasItsPowerAtItsFrequency() throws {
        let (h, w, f) = (16, 16, 3)
        let image = try Tensor(shape: [1, 1, h, w], scalars: (0..<(h * w)).map { i in
            Float(cos(2 * Double.pi * Double(f) * Double(i % w) / Double(w)))
        })
        let spectrum = try azimuthalPowerSpectrum(image)
        #expect(spectrum.count == 9)
        let peak = spectrum.indices.max { spectrum[$0] < spectrum[$1] }!
        #expect(peak == f)
        for (radius, value) in spectrum.enumerated() where radius != f { #expect(value < 1e-12 * spectrum[f]) }
        // Radius 3 holds (0, ±3) and (±3, 0), (±3, ±1), (±1, ±3), (±2, ±2): 20 frequencies of
        // which the two on the cosine's axis carry HW/4 each: the mean is (2 · HW/4) / 20.
        var count = 0
        for u in -8..<8 {
            for v in -8..<8 where Int(Double(u * u + v * v).squareRoot().rounded()) == f { count += 1 }
        }
        let expected: Double = 2 * Double(h * w) / 4 / Double(count)
        #expect(abs(spectrum[f] - expected) < 1e-5 * expected)  // the image holds Float32 cosines
    }

    @Test func identicalSetsAreAtDistanceZeroAndBlurIsFar() throws {
        var random = RandomStream(seed: 4)
        let noise = random.normal([4, 3, 16, 16])
        #expect(try spectralDistance(real: noise, generated: noise) == 0)
        // A 2×2 box blur removes the high frequencies.
        let blurred = try avgPool2d(upsampleNearest(avgPool2d(noise, geometry: ConvGeometry(kernel: 2, stride: 2, padding: 0)),
                                                    scale: 2), geometry: ConvGeometry(kernel: 1, stride: 1, padding: 0))
        let other = random.normal([4, 3, 16, 16])
        #expect(try spectralDistance(real: noise, generated: blurred) > 5 * spectralDistance(real: noise, generated: other))
        #expect(throws: TensorError.self) { try spectralDistance(real: noise, generated: random.normal([4, 3, 8, 8])) }
    }
}
