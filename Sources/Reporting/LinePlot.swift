/// A line plot of several series (loss curves, metrics against iterations), with a legend
/// and an optional logarithmic x axis (`PlotAxis(scale: .logarithmic)`).
/// A NaN y value breaks its line.
public struct LinePlot: Plot {
    public struct Series: Equatable, Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: Color
        /// Line width in pixels.
        public var width: Double
    }

    public var title: String
    public var xAxis: PlotAxis
    public var yAxis: PlotAxis
    public var legend: LegendPlacement
    public var style: PlotStyle
    public private(set) var series: [Series] = []

    public init(title: String = "", xAxis: PlotAxis = PlotAxis(label: "x"), yAxis: PlotAxis = PlotAxis(label: "y"),
                legend: LegendPlacement = .topRight, style: PlotStyle = PlotStyle()) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.legend = legend
        self.style = style
    }

    /// Adds a series of points joined in the given order; `color` defaults to the next
    /// palette colour, an empty `name` keeps it out of the legend.
    public mutating func add(_ name: String, x: [Double], y: [Double], color: Color? = nil, width: Double = 2) throws {
        guard x.count == y.count else {
            throw ReportingError.invalidArgument(
                operation: "LinePlot.add", detail: "series '\(name)' has \(x.count) x values but \(y.count) y values")
        }
        guard width.isFinite, width > 0 else {
            throw ReportingError.invalidArgument(operation: "LinePlot.add",
                                                 detail: "series '\(name)': width \(width) must be > 0")
        }
        series.append(Series(name: name, x: x, y: y, color: color ?? .series(series.count), width: width))
    }

    public func draw<Surface: DrawingSurface>(on surface: inout Surface) throws {
        for set in series {
            if xAxis.scale == .logarithmic, let bad = set.x.first(where: { $0 <= 0 }) {
                throw ReportingError.invalidArgument(
                    operation: "LinePlot", detail: "series '\(set.name)' has x = \(bad) on a logarithmic x axis; drop values ≤ 0 or use a linear axis")
            }
            if yAxis.scale == .logarithmic, let bad = set.y.first(where: { $0 <= 0 }) {
                throw ReportingError.invalidArgument(
                    operation: "LinePlot", detail: "series '\(set.name)' has y = \(bad) on a logarithmic y axis; drop values ≤ 0 or use a linear axis")
            }
        }
        try frame.draw(on: &surface, xValues: series.flatMap(\.x), yValues: series.flatMap(\.y)) { surface, mapping in
            for set in series {
                surface.drawPolyline(zip(set.x, set.y).map { mapping.point(x: $0, y: $1) }, color: set.color, width: set.width,
                                     opacity: 1)
            }
        }
    }

    public func mapping(width: Int, height: Int) throws -> PlotMapping {
        try frame.layout(width: width, height: height, xValues: series.flatMap(\.x), yValues: series.flatMap(\.y)).mapping
    }

    private var frame: PlotFrame {
        PlotFrame(title: title, xAxis: xAxis, yAxis: yAxis, legend: series.map { LegendEntry(name: $0.name, color: $0.color, marker: .line(width: $0.width)) },
                  legendPlacement: legend, style: style)
    }
}
