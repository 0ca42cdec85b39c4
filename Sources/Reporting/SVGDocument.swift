import Foundation

/// A vector drawing surface that produces an SVG document. Text uses a monospace font sized
/// to the `BitmapFont` metrics (advance 0.6 em = 6 px at scale 1), so layouts computed for
/// the raster canvas hold in the SVG too.
public struct SVGDocument: DrawingSurface {
    public let width: Int
    public let height: Int
    private var elements: [String] = []
    private var clipCount = 0
    private var insideClipGroup = false

    public init(width: Int, height: Int, background: Color = .white) throws {
        guard width >= 1, height >= 1 else {
            throw ReportingError.invalidArgument(operation: "SVGDocument",
                                                 detail: "size \(width) × \(height) is invalid; use positive sizes")
        }
        self.width = width
        self.height = height
        fillRectangle(PixelRect(x: 0, y: 0, width: width, height: height), color: background, opacity: 1)
    }

    /// The complete SVG document.
    public var text: String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                         + "viewBox=\"0 0 \(width) \(height)\">"]
        lines += elements
        if insideClipGroup { lines.append("</g>") }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `text` to `path` atomically.
    public func save(to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try AtomicFile.write(text, to: path, existing: existing)
    }

    public mutating func setClip(_ rect: PixelRect?) {
        if insideClipGroup {
            elements.append("</g>")
            insideClipGroup = false
        }
        guard let rect else { return }
        clipCount += 1
        elements.append("<clipPath id=\"clip\(clipCount)\"><rect x=\"\(rect.x)\" y=\"\(rect.y)\" "
                        + "width=\"\(rect.width)\" height=\"\(rect.height)\"/></clipPath>")
        elements.append("<g clip-path=\"url(#clip\(clipCount))\">")
        insideClipGroup = true
    }

    public mutating func fillRectangle(_ rect: PixelRect, color: Color, opacity: Double = 1) {
        guard rect.width > 0, rect.height > 0 else { return }
        elements.append("<rect x=\"\(rect.x)\" y=\"\(rect.y)\" width=\"\(rect.width)\" height=\"\(rect.height)\" "
                        + "fill=\"\(color.hexString)\"\(Self.opacityAttribute("fill-opacity", opacity))/>")
    }

    public mutating func drawLine(from start: CanvasPoint, to end: CanvasPoint, color: Color,
                                  width lineWidth: Double = 1, opacity: Double = 1) {
        elements.append("<line x1=\"\(Self.number(start.x))\" y1=\"\(Self.number(start.y))\" "
                        + "x2=\"\(Self.number(end.x))\" y2=\"\(Self.number(end.y))\" stroke=\"\(color.hexString)\" "
                        + "stroke-width=\"\(Self.number(lineWidth))\" stroke-linecap=\"round\""
                        + "\(Self.opacityAttribute("stroke-opacity", opacity))/>")
    }

    public mutating func fillCircle(center: CanvasPoint, radius: Double, color: Color, opacity: Double = 1) {
        elements.append("<circle cx=\"\(Self.number(center.x))\" cy=\"\(Self.number(center.y))\" "
                        + "r=\"\(Self.number(radius))\" fill=\"\(color.hexString)\""
                        + "\(Self.opacityAttribute("fill-opacity", opacity))/>")
    }

    /// One `<polyline>` per unbroken run of finite points.
    public mutating func drawPolyline(_ points: [CanvasPoint], color: Color, width lineWidth: Double, opacity: Double) {
        let runs = points.split { !($0.x.isFinite && $0.y.isFinite) }.filter { $0.count > 1 }
        for run in runs {
            let coordinates = run.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
            elements.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color.hexString)\" "
                            + "stroke-width=\"\(Self.number(lineWidth))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
                            + "\(Self.opacityAttribute("stroke-opacity", opacity))/>")
        }
    }

    public mutating func drawText(_ text: String, at anchor: CanvasPoint, style: TextStyle) {
        guard !text.isEmpty else { return }
        let s = Double(style.scale)
        let baselineOffset: Double
        switch style.vertical {
        case .top: baselineOffset = Double(BitmapFont.capHeight) * s
        case .middle: baselineOffset = Double(BitmapFont.capHeight) * s / 2
        case .bottom: baselineOffset = -Double(BitmapFont.glyphHeight - BitmapFont.capHeight) * s
        }
        let anchorName: String
        switch style.horizontal {
        case .left: anchorName = "start"
        case .center: anchorName = "middle"
        case .right: anchorName = "end"
        }
        let rotation = style.rotated
            ? " transform=\"rotate(-90 \(Self.number(anchor.x)) \(Self.number(anchor.y)))\"" : ""
        elements.append("<text x=\"\(Self.number(anchor.x))\" y=\"\(Self.number(anchor.y + baselineOffset))\" "
                        + "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"\(Self.number(10 * s))\" "
                        + "text-anchor=\"\(anchorName)\" fill=\"\(style.color.hexString)\"\(rotation)>"
                        + "\(Self.escaped(text))</text>")
    }

    private static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f", value) : "0"
    }

    private static func opacityAttribute(_ name: String, _ opacity: Double) -> String {
        opacity >= 1 ? "" : " \(name)=\"\(number(max(0, opacity)))\""
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
