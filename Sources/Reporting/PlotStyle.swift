/// Where a plot's legend goes.
public enum LegendPlacement: Equatable, Sendable {
    case none
    /// Inside the plot area, top-right corner, on a translucent white box.
    case topRight
    /// Inside the plot area, top-left corner.
    case topLeft
    /// To the right of the plot area (never hides data).
    case outsideRight
}

/// Sizes and colours shared by all plots.
public struct PlotStyle: Equatable, Sendable {
    /// Font scale of tick labels, axis labels and the legend.
    public var textScale: Int
    /// Font scale of the title.
    public var titleScale: Int
    public var background: Color
    public var axisColor: Color
    /// Colour of the grid lines at the ticks; `nil` draws none.
    public var gridColor: Color?
    /// About how many ticks each linear axis gets.
    public var tickTarget: Int

    /// Text at twice the size (title at three times), for figures shown large or in print.
    public static let large = PlotStyle(textScale: 2, titleScale: 3)

    public init(textScale: Int = 1, titleScale: Int = 2, background: Color = .white, axisColor: Color = .black,
                gridColor: Color? = Color(hex: 0xEBEBEB), tickTarget: Int = 6) {
        self.textScale = max(1, textScale)
        self.titleScale = max(1, titleScale)
        self.background = background
        self.axisColor = axisColor
        self.gridColor = gridColor
        self.tickTarget = max(1, tickTarget)
    }
}

/// One line of a legend: a coloured marker and a name.
struct LegendEntry {
    enum Marker { case dot(radius: Double), line(width: Double) }
    var name: String
    var color: Color
    var marker: Marker
}
