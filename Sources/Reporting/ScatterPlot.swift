import TensorCore

/// A scatter plot of several point sets (e.g. real data under generated samples of a 2D
/// mixture, spec Fig. 4.3), each with its colour, dot size and opacity, and a legend.
///
/// ```swift
/// var plot = ScatterPlot(title: "BGAN, 1000 it", xAxis: PlotAxis(label: "x", limits: -3...3),
///                        yAxis: PlotAxis(label: "y", limits: -3...3))
/// try plot.add("data", points: real)          // [N, 2]
/// try plot.add("generated", points: fake)
/// try plot.savePNG(to: "results/ch4/squares-bgan-1000.png")
/// ```
public struct ScatterPlot: Plot {
    public struct Series: Equatable, Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: Color
        /// Dot radius in pixels.
        public var radius: Double
        public var opacity: Double
    }

    public var title: String
    public var xAxis: PlotAxis
    public var yAxis: PlotAxis
    public var legend: LegendPlacement
    public var style: PlotStyle
    /// Drawn in order: later series on top.
    public private(set) var series: [Series] = []

    public init(title: String = "", xAxis: PlotAxis = PlotAxis(label: "x"), yAxis: PlotAxis = PlotAxis(label: "y"),
                legend: LegendPlacement = .topRight, style: PlotStyle = PlotStyle()) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.legend = legend
        self.style = style
    }

    /// Adds a point set; `color` defaults to the next palette colour. An empty `name` keeps
    /// the series out of the legend.
    public mutating func add(_ name: String, x: [Double], y: [Double], color: Color? = nil,
                             radius: Double = 2, opacity: Double = 0.7) throws {
        guard x.count == y.count else {
            throw ReportingError.invalidArgument(
                operation: "ScatterPlot.add", detail: "series '\(name)' has \(x.count) x values but \(y.count) y values")
        }
        guard radius.isFinite, radius > 0, opacity.isFinite, opacity > 0, opacity <= 1 else {
            throw ReportingError.invalidArgument(
                operation: "ScatterPlot.add",
                detail: "series '\(name)': radius \(radius) must be > 0 and opacity \(opacity) in (0, 1]")
        }
        series.append(Series(name: name, x: x, y: y, color: color ?? .series(series.count), radius: radius,
                             opacity: opacity))
    }

    /// Adds the rows of `points [N, 2]` as a point set.
    public mutating func add(_ name: String, points: Tensor, color: Color? = nil,
                             radius: Double = 2, opacity: Double = 0.7) throws {
        guard points.rank == 2, points.shape[1] == 2 else {
            throw ReportingError.invalidArgument(
                operation: "ScatterPlot.add", detail: "series '\(name)' has shape \(points.shape); pass points as [N, 2]")
        }
        let scalars = points.scalars
        try add(name, x: stride(from: 0, to: scalars.count, by: 2).map { Double(scalars[$0]) },
                y: stride(from: 1, to: scalars.count, by: 2).map { Double(scalars[$0]) },
                color: color, radius: radius, opacity: opacity)
    }

    public func draw<Surface: DrawingSurface>(on surface: inout Surface) throws {
        try frame.draw(on: &surface, xValues: series.flatMap(\.x), yValues: series.flatMap(\.y)) { surface, mapping in
            for set in series {
                for (x, y) in zip(set.x, set.y) {
                    let point = mapping.point(x: x, y: y)
                    guard point.x.isFinite, point.y.isFinite else { continue }
                    surface.fillCircle(center: point, radius: set.radius, color: set.color, opacity: set.opacity)
                }
            }
        }
    }

    public func mapping(width: Int, height: Int) throws -> PlotMapping {
        try frame.layout(width: width, height: height, xValues: series.flatMap(\.x), yValues: series.flatMap(\.y)).mapping
    }

    private var frame: PlotFrame {
        PlotFrame(title: title, xAxis: xAxis, yAxis: yAxis, legend: series.map { LegendEntry(name: $0.name, color: $0.color, marker: .dot(radius: $0.radius)) },
                  legendPlacement: legend, style: style)
    }
}
