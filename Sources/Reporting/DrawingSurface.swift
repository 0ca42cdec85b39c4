/// A point in surface coordinates: pixels from the top-left corner, x to the right, y down.
/// Pixel `(i, j)` covers `[i, i + 1) × [j, j + 1)`; its centre is `(i + 0.5, j + 0.5)`, so a
/// one-pixel line along `y = j + 0.5` lights exactly row `j`.
public struct CanvasPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle of whole pixels: columns `x ..< x + width`, rows `y ..< y + height`.
public struct PixelRect: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
}

/// How a text is placed relative to its anchor point.
public struct TextStyle: Equatable, Sendable {
    public enum Horizontal: Sendable { case left, center, right }
    /// `.top` and `.bottom` are the top of the capitals and the bottom of the descenders;
    /// `.middle` centres the capitals on the anchor.
    public enum Vertical: Sendable { case top, middle, bottom }

    /// Integer magnification of the bitmap font (cell 6 × 9 pixels at scale 1).
    public var scale: Int
    public var color: Color
    public var horizontal: Horizontal
    public var vertical: Vertical
    /// Turned 90° counter-clockwise (reading bottom to top), for y-axis labels; the
    /// alignments then apply along the text's own direction.
    public var rotated: Bool

    public init(scale: Int = 1, color: Color = .black, horizontal: Horizontal = .left,
                vertical: Vertical = .top, rotated: Bool = false) {
        self.scale = max(1, scale)
        self.color = color
        self.horizontal = horizontal
        self.vertical = vertical
        self.rotated = rotated
    }
}

/// What plots draw on: a raster `Canvas` (PNG) or an `SVGDocument`. Plots are written once
/// against this protocol, so every plot has both outputs.
public protocol DrawingSurface {
    var width: Int { get }
    var height: Int { get }
    /// Restricts later drawing to `rect` (`nil`: the whole surface).
    mutating func setClip(_ rect: PixelRect?)
    mutating func fillRectangle(_ rect: PixelRect, color: Color, opacity: Double)
    /// A straight segment of the given width (anti-aliased, round ends).
    mutating func drawLine(from start: CanvasPoint, to end: CanvasPoint, color: Color, width: Double, opacity: Double)
    /// A filled disc (anti-aliased edge).
    mutating func fillCircle(center: CanvasPoint, radius: Double, color: Color, opacity: Double)
    /// Text in the embedded bitmap font's metrics (`BitmapFont`), placed by `style`.
    mutating func drawText(_ text: String, at anchor: CanvasPoint, style: TextStyle)
    /// Connected segments through `points`; a point with a NaN or infinite coordinate breaks
    /// the line. The default draws one `drawLine` per segment.
    mutating func drawPolyline(_ points: [CanvasPoint], color: Color, width: Double, opacity: Double)
}

extension DrawingSurface {
    /// A one-pixel outline inside `rect`.
    public mutating func strokeRectangle(_ rect: PixelRect, color: Color) {
        fillRectangle(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: 1), color: color, opacity: 1)
        fillRectangle(PixelRect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), color: color, opacity: 1)
        fillRectangle(PixelRect(x: rect.x, y: rect.y, width: 1, height: rect.height), color: color, opacity: 1)
        fillRectangle(PixelRect(x: rect.maxX - 1, y: rect.y, width: 1, height: rect.height), color: color, opacity: 1)
    }

    public mutating func drawPolyline(_ points: [CanvasPoint], color: Color, width: Double, opacity: Double) {
        guard points.count > 1 else { return }
        for (a, b) in zip(points, points.dropFirst())
        where a.x.isFinite && a.y.isFinite && b.x.isFinite && b.y.isFinite {
            drawLine(from: a, to: b, color: color, width: width, opacity: opacity)
        }
    }
}
