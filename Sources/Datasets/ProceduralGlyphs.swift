import Foundation
import TensorCore

/// A procedural image dataset with a known number of modes, so mode dropping is measurable on
/// images without any download (issue 6; the Stacked-MNIST protocol of the mode-collapse
/// literature with drawn glyphs instead of MNIST digits).
///
/// A glyph is one of the ten seven-segment digits, drawn anti-aliased at a random stroke width,
/// scale, slant and position, with Gaussian pixel noise. A stacked sample puts three
/// independent glyphs in its red, green and blue channels: 10³ = 1,000 modes, labelled
/// `100·red + 10·green + blue`.
public struct ProceduralGlyphs: Equatable, Sendable {
    /// Side of the square images.
    public var size = 32
    /// Stroke width in pixels, drawn uniformly from this range.
    public var strokeWidth: ClosedRange<Double> = 1.5...3.0
    /// Glyph height as a fraction of the image side.
    public var scale: ClosedRange<Double> = 0.55...0.8
    /// Horizontal shear (slant), x += shear·y.
    public var slant: ClosedRange<Double> = -0.25...0.25
    /// Offset of the glyph's centre, as a fraction of the side.
    public var offset: ClosedRange<Double> = -0.12...0.12
    /// Standard deviation of the pixel noise (intensities in [0, 1]).
    public var noise: Double = 0.05

    public init() {}

    /// The segments lit for each digit, of a (top), b (upper right), c (lower right), d (bottom),
    /// e (lower left), f (upper left), g (middle).
    static let litSegments: [[Int]] = [
        [0, 1, 2, 3, 4, 5], [1, 2], [0, 1, 6, 4, 3], [0, 1, 6, 2, 3], [5, 6, 1, 2],
        [0, 5, 6, 2, 3], [0, 5, 6, 4, 3, 2], [0, 1, 2], [0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 5, 6],
    ]
    /// Segment end points in glyph coordinates (x ∈ [0, 0.5], y ∈ [0, 1], y downwards).
    static let segmentEnds: [((Double, Double), (Double, Double))] = [
        ((0, 0), (0.5, 0)), ((0.5, 0), (0.5, 0.5)), ((0.5, 0.5), (0.5, 1)), ((0, 1), (0.5, 1)),
        ((0, 0.5), (0, 1)), ((0, 0), (0, 0.5)), ((0, 0.5), (0.5, 0.5)),
    ]

    /// `count` single glyphs: intensities in [0, 1] as `[count, size, size]` row-major, and
    /// their classes 0–9. Every draw comes from `random`.
    public func glyphs(count: Int, random: inout RandomStream) throws -> (pixels: [Float], classes: [Int]) {
        guard (0...10_000_000).contains(count), (8...512).contains(size) else {
            throw DatasetError.invalidParameter(dataset: "glyphs", parameter: "count/size",
                                                detail: "need count in 0…10⁷ and size in 8…512 (got \(count), \(size))")
        }
        // A stacked dataset of `count` images holds at once: three float planes of glyphs, the
        // float image tensor of three channels and its three bytes a pixel.
        try ImageDataset.checkFitsInMemory(count: count, size: size, bytesPerPixel: 3 * 4 + 3 * 4 + 3, source: "glyphs")
        var pixels = [Float](repeating: 0, count: count * size * size)
        var classes: [Int] = []
        for index in 0..<count {
            let digit = random.integer(in: 0..<10)
            classes.append(digit)
            let u = random.uniform([5]).scalars.map(Double.init)
            func pick(_ range: ClosedRange<Double>, _ t: Double) -> Double { range.lowerBound + t * (range.upperBound - range.lowerBound) }
            let width = pick(strokeWidth, u[0]), height = pick(scale, u[1]) * Double(size), shear = pick(slant, u[2])
            let centre = (Double(size) / 2 + pick(offset, u[3]) * Double(size), Double(size) / 2 + pick(offset, u[4]) * Double(size))
            let segments = Self.litSegments[digit].map { Self.segmentEnds[$0] }.map { ends -> ((Double, Double), (Double, Double)) in
                func place(_ p: (Double, Double)) -> (Double, Double) {
                    let x = (p.0 - 0.25) * height, y = (p.1 - 0.5) * height
                    return (centre.0 + x + shear * y, centre.1 + y)
                }
                return (place(ends.0), place(ends.1))
            }
            let noiseField = random.normal([size * size], standardDeviation: Float(noise)).scalars
            for y in 0..<size {
                for x in 0..<size {
                    let p = (Double(x) + 0.5, Double(y) + 0.5)
                    let distance = segments.map { Self.distance(p, $0.0, $0.1) }.min() ?? .infinity
                    let ink = min(1, max(0, width / 2 + 0.5 - distance))  // one pixel of anti-aliasing
                    let value = Float(ink) + noiseField[y * size + x]
                    pixels[(index * size + y) * size + x] = min(1, max(0, value))
                }
            }
        }
        return (pixels, classes)
    }

    /// `count` stacked samples `[count, 3, size, size]` in [−1, 1] (the generators' tanh range)
    /// and their modes 0–999.
    public func stacked(count: Int, random: inout RandomStream) throws -> (images: Tensor, modes: [Int]) {
        let plane = size * size
        let channels = try (0..<3).map { _ in try glyphs(count: count, random: &random) }
        let images = Tensor(shape: [count, 3, size, size]) { out, _ in
            for index in 0..<count {
                for channel in 0..<3 {
                    for i in 0..<plane {
                        out[(index * 3 + channel) * plane + i] = channels[channel].pixels[index * plane + i] * 2 - 1
                    }
                }
            }
        }
        let modes = (0..<count).map { 100 * channels[0].classes[$0] + 10 * channels[1].classes[$0] + channels[2].classes[$0] }
        return (images, modes)
    }

    /// Distance from `p` to the segment `a`–`b`.
    static func distance(_ p: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1)
        let length2 = dx * dx + dy * dy
        let t = length2 == 0 ? 0 : min(1, max(0, ((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2))
        let (ex, ey) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1)
        return (ex * ex + ey * ey).squareRoot()
    }
}

extension ProceduralGlyphs {
    /// `count` stacked samples as an 8-bit `ImageDataset` `[count, 3, size, size]` labelled with
    /// their modes 0–999 — the fixed training set every image run of the procedural data reads.
    public func stackedDataset(count: Int, random: inout RandomStream) throws -> ImageDataset {
        let (images, modes) = try stacked(count: count, random: &random)
        return try ImageDataset(images: images, labels: modes,
                                source: "procedural stacked glyphs (1,000 modes), \(size)×\(size), \(count) images")
    }
}
