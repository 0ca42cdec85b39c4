/// An RGB image with 8 bits per channel that plots, figure grids and sample grids are
/// drawn on, saved as PNG through libpng.
///
/// Shapes are anti-aliased by coverage: a pixel takes the shape's colour in proportion to
/// how far its centre lies inside the shape's edge (a signed distance, clamped to one pixel),
/// times the requested opacity, blended over what is already there (`out = a·src + (1−a)·dst`).
public struct Canvas: DrawingSurface, Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGB bytes, `height × width × 3`.
    public private(set) var pixels: [UInt8]
    private var clip: PixelRect

    /// The largest canvas accepted (in pixels), so a mistaken size fails with an error
    /// instead of exhausting memory.
    public static let maximumPixelCount = 1 << 28

    /// A canvas of `width × height` pixels filled with `background`.
    public init(width: Int, height: Int, background: Color = .white) throws {
        guard width >= 1, height >= 1, width <= Self.maximumPixelCount / height else {
            throw ReportingError.invalidArgument(
                operation: "Canvas",
                detail: "size \(width) × \(height) is invalid; use positive sizes with at most \(Self.maximumPixelCount) pixels")
        }
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        clip = PixelRect(x: 0, y: 0, width: width, height: height)
        fillRectangle(clip, color: background, opacity: 1)
    }

    /// The bounds of the whole canvas.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// The colour of pixel `(x, y)` (column, row from the top).
    public subscript(x: Int, y: Int) -> Color {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width) × \(height)")
            let offset = 3 * (y * width + x)
            return Color(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width) × \(height)")
            let offset = 3 * (y * width + x)
            pixels[offset] = newValue.red
            pixels[offset + 1] = newValue.green
            pixels[offset + 2] = newValue.blue
        }
    }

    public mutating func setClip(_ rect: PixelRect?) {
        clip = (rect ?? bounds).intersection(bounds)
    }

    public mutating func fillRectangle(_ rect: PixelRect, color: Color, opacity: Double = 1) {
        let area = rect.intersection(clip)
        guard area.width > 0, area.height > 0 else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { blend(x, y, color, opacity) }
        }
    }

    public mutating func drawLine(from start: CanvasPoint, to end: CanvasPoint, color: Color,
                                  width lineWidth: Double = 1, opacity: Double = 1) {
        let half = max(lineWidth, 0) / 2
        let dx = end.x - start.x, dy = end.y - start.y
        let lengthSquared = dx * dx + dy * dy
        cover(minX: min(start.x, end.x) - half, maxX: max(start.x, end.x) + half,
              minY: min(start.y, end.y) - half, maxY: max(start.y, end.y) + half,
              color: color, opacity: opacity) { px, py in
            // Distance from the pixel centre to the segment, minus the half width.
            let t = lengthSquared == 0 ? 0 : min(1, max(0, ((px - start.x) * dx + (py - start.y) * dy) / lengthSquared))
            let ex = px - (start.x + t * dx), ey = py - (start.y + t * dy)
            return (ex * ex + ey * ey).squareRoot() - half
        }
    }

    public mutating func fillCircle(center: CanvasPoint, radius: Double, color: Color, opacity: Double = 1) {
        let r = max(radius, 0)
        cover(minX: center.x - r, maxX: center.x + r, minY: center.y - r, maxY: center.y + r,
              color: color, opacity: opacity) { px, py in
            let ex = px - center.x, ey = py - center.y
            return (ex * ex + ey * ey).squareRoot() - r
        }
    }

    /// Pastes `other` with its top-left corner at `(x, y)` (clipped).
    public mutating func draw(_ other: Canvas, atX x: Int, y: Int) {
        let area = PixelRect(x: x, y: y, width: other.width, height: other.height).intersection(clip)
        guard area.width > 0, area.height > 0 else { return }
        for row in area.y..<area.maxY {
            let source = 3 * ((row - y) * other.width + (area.x - x))
            let target = 3 * (row * width + area.x)
            pixels.replaceSubrange(target..<(target + 3 * area.width),
                                   with: other.pixels[source..<(source + 3 * area.width)])
        }
    }

    /// Blends `color` into every pixel whose centre lies within half a pixel of the shape
    /// described by `signedDistance` (negative inside), with coverage `clamp(0.5 − d, 0, 1)`.
    private mutating func cover(minX: Double, maxX: Double, minY: Double, maxY: Double, color: Color, opacity: Double,
                                signedDistance: (Double, Double) -> Double) {
        guard minX.isFinite, maxX.isFinite, minY.isFinite, maxY.isFinite, opacity > 0 else { return }
        let x0 = max(clip.x, Int((minX - 1).rounded(.down))), x1 = min(clip.maxX, Int((maxX + 1).rounded(.up)))
        let y0 = max(clip.y, Int((minY - 1).rounded(.down))), y1 = min(clip.maxY, Int((maxY + 1).rounded(.up)))
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let coverage = min(1, max(0, 0.5 - signedDistance(Double(x) + 0.5, Double(y) + 0.5)))
                if coverage > 0 { blend(x, y, color, coverage * opacity) }
            }
        }
    }

    /// `pixel ← a · color + (1 − a) · pixel`, rounded; `a` is clamped to [0, 1].
    @inline(__always)
    mutating func blend(_ x: Int, _ y: Int, _ color: Color, _ alpha: Double) {
        let a = min(1, max(0, alpha))
        let offset = 3 * (y * width + x)
        if a >= 1 {
            pixels[offset] = color.red
            pixels[offset + 1] = color.green
            pixels[offset + 2] = color.blue
            return
        }
        for (channel, value) in [color.red, color.green, color.blue].enumerated() {
            let old = Double(pixels[offset + channel])
            pixels[offset + channel] = UInt8((a * Double(value) + (1 - a) * old).rounded())
        }
    }
}

extension PixelRect {
    /// The overlap of two rectangles (zero size when they do not meet).
    public func intersection(_ other: PixelRect) -> PixelRect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }
}
