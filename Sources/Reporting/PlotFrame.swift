/// Maps data coordinates to surface pixels inside a plot's data area.
public struct PlotMapping {
    /// The data area in pixels.
    public let area: PixelRect
    let xAxis: PlotAxis, yAxis: PlotAxis
    public let xLimits: ClosedRange<Double>, yLimits: ClosedRange<Double>

    /// The pixel position of data point `(x, y)`; values outside the limits map outside the
    /// area (drawing is clipped to it); NaN for a non-positive value on a log axis.
    public func point(x: Double, y: Double) -> CanvasPoint {
        CanvasPoint(x: Double(area.x) + xAxis.fraction(of: x, in: xLimits) * Double(area.width),
                    y: Double(area.maxY) - yAxis.fraction(of: y, in: yLimits) * Double(area.height))
    }
}

/// The parts every plot shares — title, axes with ticks and labels, grid, legend — and the
/// layout that places them around the data area. A plot supplies its data extent, its legend
/// and a closure that draws its marks through a `PlotMapping`.
struct PlotFrame {
    var title: String
    var xAxis: PlotAxis
    var yAxis: PlotAxis
    var legend: [LegendEntry]
    var legendPlacement: LegendPlacement
    var style: PlotStyle

    /// Everything placed around the data area, computed from the image size and the data.
    struct Layout {
        let mapping: PlotMapping
        let xTicks: [(value: Double, label: String)]
        let yTicks: [(value: Double, label: String)]
    }

    private var tickLength: Int { 5 }
    private var gap: Int { 4 * style.textScale }
    private var lineHeight: Int { BitmapFont.glyphHeight * style.textScale }

    /// The data area and ticks of a `width × height` image showing `xValues`, `yValues`.
    func layout(width: Int, height: Int, xValues: [Double], yValues: [Double]) throws -> Layout {
        let xLimits = try xAxis.resolvedLimits(values: xValues, axisName: "x-axis")
        let yLimits = try yAxis.resolvedLimits(values: yValues, axisName: "y-axis")
        let xTicks = xAxis.ticks(in: xLimits, target: style.tickTarget)
        let yTicks = yAxis.ticks(in: yLimits, target: style.tickTarget)
        let s = style.textScale
        let top = title.isEmpty ? 12 : BitmapFont.glyphHeight * style.titleScale + 2 * gap + 4
        let yTickWidth = yTicks.map { BitmapFont.width(of: $0.label, scale: s) }.max() ?? 0
        let left = gap + (yAxis.label.isEmpty ? 0 : BitmapFont.capHeight * s + 2 * gap) + yTickWidth + gap + tickLength
        let bottom = tickLength + gap + lineHeight + (xAxis.label.isEmpty ? 0 : gap + lineHeight) + gap
        let lastXLabel = xTicks.last.map { BitmapFont.width(of: $0.label, scale: s) / 2 + gap } ?? 0
        var right = max(12, lastXLabel)
        if legendPlacement == .outsideRight, let legendBox = legendSize() { right = max(right, legendBox.width + 3 * gap) }
        let area = PixelRect(x: left, y: top, width: width - left - right, height: height - top - bottom)
        guard area.width >= 20, area.height >= 20 else {
            throw ReportingError.invalidArgument(
                operation: "plot",
                detail: "a \(width) × \(height) image leaves no room for the data area; make it larger or the text smaller")
        }
        return Layout(mapping: PlotMapping(area: area, xAxis: xAxis, yAxis: yAxis, xLimits: xLimits, yLimits: yLimits),
                      xTicks: xTicks, yTicks: yTicks)
    }

    func draw<Surface: DrawingSurface>(on surface: inout Surface, xValues: [Double], yValues: [Double],
                                       marks: (inout Surface, PlotMapping) -> Void) throws {
        let layout = try layout(width: surface.width, height: surface.height, xValues: xValues, yValues: yValues)
        let (mapping, xTicks, yTicks) = (layout.mapping, layout.xTicks, layout.yTicks)
        let (area, xLimits, yLimits) = (mapping.area, mapping.xLimits, mapping.yLimits)
        let s = style.textScale

        surface.setClip(nil)
        surface.fillRectangle(PixelRect(x: 0, y: 0, width: surface.width, height: surface.height),
                              color: style.background, opacity: 1)
        // Grid lines at the ticks, under the data.
        let xPixels = xTicks.map { Self.crisp(mapping.point(x: $0.value, y: yLimits.lowerBound).x) }
        let yPixels = yTicks.map { Self.crisp(mapping.point(x: xLimits.lowerBound, y: $0.value).y) }
        if let grid = style.gridColor {
            for x in xPixels {
                surface.drawLine(from: CanvasPoint(x: x, y: Double(area.y)), to: CanvasPoint(x: x, y: Double(area.maxY)),
                                 color: grid, width: 1, opacity: 1)
            }
            for y in yPixels {
                surface.drawLine(from: CanvasPoint(x: Double(area.x), y: y), to: CanvasPoint(x: Double(area.maxX), y: y),
                                 color: grid, width: 1, opacity: 1)
            }
        }
        surface.setClip(area)
        marks(&surface, mapping)
        surface.setClip(nil)

        // Frame, ticks and their labels.
        surface.strokeRectangle(PixelRect(x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2),
                                color: style.axisColor)
        let tickText = TextStyle(scale: s, color: style.axisColor, horizontal: .center, vertical: .top)
        for (x, tick) in zip(xPixels, xTicks) {
            surface.drawLine(from: CanvasPoint(x: x, y: Double(area.maxY + 1)),
                             to: CanvasPoint(x: x, y: Double(area.maxY + 1 + tickLength)),
                             color: style.axisColor, width: 1, opacity: 1)
            surface.drawText(tick.label, at: CanvasPoint(x: x, y: Double(area.maxY + 1 + tickLength + gap)), style: tickText)
        }
        var yTickText = tickText
        yTickText.horizontal = .right
        yTickText.vertical = .middle
        for (y, tick) in zip(yPixels, yTicks) {
            surface.drawLine(from: CanvasPoint(x: Double(area.x - 1 - tickLength), y: y),
                             to: CanvasPoint(x: Double(area.x - 1), y: y), color: style.axisColor, width: 1, opacity: 1)
            surface.drawText(tick.label, at: CanvasPoint(x: Double(area.x - 1 - tickLength - gap), y: y), style: yTickText)
        }

        // Axis labels and title.
        if !xAxis.label.isEmpty {
            surface.drawText(xAxis.label,
                             at: CanvasPoint(x: Double(area.x + area.width / 2),
                                             y: Double(area.maxY + 1 + tickLength + gap + lineHeight + gap)),
                             style: TextStyle(scale: s, color: style.axisColor, horizontal: .center, vertical: .top))
        }
        if !yAxis.label.isEmpty {
            surface.drawText(yAxis.label, at: CanvasPoint(x: Double(gap), y: Double(area.y + area.height / 2)),
                             style: TextStyle(scale: s, color: style.axisColor, horizontal: .center, vertical: .top,
                                              rotated: true))
        }
        if !title.isEmpty {
            surface.drawText(title, at: CanvasPoint(x: Double(area.x + area.width / 2), y: Double(gap + 2)),
                             style: TextStyle(scale: style.titleScale, color: style.axisColor, horizontal: .center))
        }
        drawLegend(on: &surface, area: area)
    }

    /// The centre of the pixel row or column containing `coordinate`, so 1-pixel lines are crisp.
    private static func crisp(_ coordinate: Double) -> Double {
        coordinate.rounded(.down) + 0.5
    }

    private var legendMetrics: (padding: Int, rowHeight: Int, swatch: Int) {
        let s = style.textScale
        return (4 * s, BitmapFont.glyphHeight * s + 3 * s, 14 * s)
    }

    /// Width and height of the legend box, or `nil` when there is none to draw.
    private func legendSize() -> (width: Int, height: Int)? {
        let named = legend.filter { !$0.name.isEmpty }
        guard legendPlacement != .none, !named.isEmpty else { return nil }
        let (padding, rowHeight, swatch) = legendMetrics
        let textWidth = named.map { BitmapFont.width(of: $0.name, scale: style.textScale) }.max() ?? 0
        return (2 * padding + swatch + padding + textWidth, 2 * padding + named.count * rowHeight - 3 * style.textScale)
    }

    private func drawLegend<Surface: DrawingSurface>(on surface: inout Surface, area: PixelRect) {
        guard let size = legendSize() else { return }
        let named = legend.filter { !$0.name.isEmpty }
        let (padding, rowHeight, swatch) = legendMetrics
        let margin = 6 * style.textScale
        let x: Int
        switch legendPlacement {
        case .topLeft: x = area.x + margin
        case .outsideRight: x = area.maxX + 2 * margin
        default: x = area.maxX - size.width - margin
        }
        let box = PixelRect(x: x, y: area.y + margin, width: size.width, height: size.height)
        surface.fillRectangle(box, color: style.background, opacity: 0.85)
        surface.strokeRectangle(box, color: Color(hex: 0xB0B0B0))
        for (index, entry) in named.enumerated() {
            let top = box.y + padding + index * rowHeight
            let middle = Double(top) + Double(BitmapFont.capHeight * style.textScale) / 2
            let swatchLeft = Double(box.x + padding)
            switch entry.marker {
            case .dot(let radius):
                surface.fillCircle(center: CanvasPoint(x: swatchLeft + Double(swatch) / 2, y: middle),
                                   radius: max(radius, 3 * Double(style.textScale)), color: entry.color, opacity: 1)
            case .line(let width):
                surface.drawLine(from: CanvasPoint(x: swatchLeft, y: middle), to: CanvasPoint(x: swatchLeft + Double(swatch), y: middle),
                                 color: entry.color, width: max(width, 2), opacity: 1)
            }
            surface.drawText(entry.name, at: CanvasPoint(x: swatchLeft + Double(swatch + padding), y: Double(top)),
                             style: TextStyle(scale: style.textScale, color: style.axisColor))
        }
    }
}
