import CPNG
import Foundation
@testable import Reporting
import TestSupport
import Testing

/// Plots: PNG files decode to the right size with the data where the axes say; axes, ticks,
/// SVG output and the figure grid's layout.
@Suite struct PlotTests {
    /// Decodes a PNG file with libpng into (width, height, RGB bytes).
    private func decodePNG(_ path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let encoded = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, encoded, encoded.count) != 0 else {
            Issue.record("libpng cannot read \(path)")
            return (0, 0, [])
        }
        image.format = UInt32(PNG_FORMAT_RGB)
        var pixels = [UInt8](repeating: 0, count: Int(image.width * image.height) * 3)
        #expect(png_image_finish_read(&image, nil, &pixels, 0, nil) != 0)
        return (Int(image.width), Int(image.height), pixels)
    }

    private func pixel(_ decoded: (width: Int, height: Int, pixels: [UInt8]), _ x: Int, _ y: Int) -> Color {
        let offset = 3 * (y * decoded.width + x)
        return Color(red: decoded.pixels[offset], green: decoded.pixels[offset + 1], blue: decoded.pixels[offset + 2])
    }

    @Test func scatterPNGHasThePointWhereTheAxesPutIt() throws {
        let folder = TemporaryFolder()
        let red = Color(hex: 0xD62728)
        var plot = ScatterPlot(title: "one point", xAxis: PlotAxis(label: "x", limits: -3...3),
                               yAxis: PlotAxis(label: "y", limits: -3...3), legend: .none)
        let empty = try plot.render(width: 300, height: 200)
        try plot.add("point", x: [1], y: [-1], color: red, radius: 4, opacity: 1)
        let path = folder.file("scatter.png")
        try plot.savePNG(to: path, width: 300, height: 200)

        let decoded = try decodePNG(path)
        #expect(decoded.width == 300 && decoded.height == 200)
        #expect(decoded.pixels == (try plot.render(width: 300, height: 200)).pixels, "PNG round trip is lossless")

        let mapping = try plot.mapping(width: 300, height: 200)
        let area = mapping.area
        // The limits span the data area exactly: (−3, −3) is its bottom-left corner, (3, 3) its top-right.
        #expect(mapping.point(x: -3, y: -3) == CanvasPoint(x: Double(area.x), y: Double(area.maxY)))
        #expect(mapping.point(x: 3, y: 3) == CanvasPoint(x: Double(area.maxX), y: Double(area.y)))
        // (1, −1) is two thirds across and two thirds down.
        let point = mapping.point(x: 1, y: -1)
        #expect(abs(point.x - (Double(area.x) + 4.0 / 6 * Double(area.width))) < 1e-9)
        #expect(abs(point.y - (Double(area.y) + 4.0 / 6 * Double(area.height))) < 1e-9)
        let (px, py) = (Int(point.x), Int(point.y))
        #expect(pixel(decoded, px, py) == red)
        #expect(empty[px, py] != red)
        #expect(pixel(decoded, px + 10, py) == empty[px + 10, py], "a dot of radius 4 does not reach 10 pixels away")
        // The frame is drawn just outside the data area.
        #expect(pixel(decoded, area.x - 1, area.y + area.height / 2) == .black)
        #expect(throws: ReportingError.fileExists(path: path)) { try plot.savePNG(to: path, width: 300, height: 200) }
    }

    @Test func scatterTakesTensorsAndRejectsBadInput() throws {
        var plot = ScatterPlot()
        #expect(throws: ReportingError.self) { try plot.add("bad", x: [1, 2], y: [1]) }
        #expect(throws: ReportingError.self) { try plot.add("bad", x: [1], y: [1], opacity: 0) }
        #expect(throws: ReportingError.self) { try plot.render(width: 30, height: 30) }
        plot.xAxis.limits = 1...1
        try plot.add("ok", x: [0], y: [0])
        #expect(throws: ReportingError.self) { try plot.render() }
    }

    @Test func linePlotChecksLogAxesAndBreaksAtNaN() throws {
        var plot = LinePlot(title: "loss <D>", xAxis: PlotAxis(label: "iteration", scale: .logarithmic))
        try plot.add("D", x: [1, 10, 100, 1000], y: [1, .nan, 0.5, 0.4])
        let svg = try plot.svg(width: 400, height: 300).text
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 1, "only the run 100–1000 has two points")
        #expect(svg.contains(">loss &lt;D&gt;</text>"))
        for tick in ["1", "10", "100", "1000"] { #expect(svg.contains(">\(tick)</text>"), "tick \(tick)") }
        var bad = plot
        try bad.add("zero", x: [0, 1], y: [1, 1])
        let error = #expect(throws: ReportingError.self) { try bad.render() }
        #expect(error?.description.contains("series 'zero' has x = 0.0 on a logarithmic x axis") == true)
    }

    @Test func scatterSVGHasOneCirclePerPointPlusTheLegend() throws {
        var plot = ScatterPlot(xAxis: PlotAxis(limits: 0...1), yAxis: PlotAxis(limits: 0...1))
        try plot.add("a", x: [0.1, 0.2, 0.3], y: [0.1, 0.2, 0.3])
        try plot.add("", x: [0.5], y: [0.5])
        let svg = try plot.svg().text
        #expect(svg.components(separatedBy: "<circle").count - 1 == 4 + 1, "4 points and one legend entry ('a')")
        #expect(svg.contains("fill=\"#1f77b4\"") && svg.contains("fill=\"#ff7f0e\""), "palette colours in order")
    }

    @Test func linearTicksAreRoundNumbers() {
        let axis = PlotAxis()
        #expect(axis.ticks(in: -3...3).map(\.label) == ["-3", "-2", "-1", "0", "1", "2", "3"])
        #expect(axis.ticks(in: 0...1).map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(axis.ticks(in: -0.05...1.05, target: 3).map(\.value) == [0, 0.5, 1])
        #expect(PlotAxis.niceStep(0.13) == 0.2 && PlotAxis.niceStep(3) == 5 && PlotAxis.niceStep(700) == 1000)
        let log = PlotAxis(scale: .logarithmic)
        #expect(log.ticks(in: 50...10_000).map(\.label) == ["100", "1000", "10000"])
        #expect(log.ticks(in: 1...60).map(\.label) == ["1", "2", "5", "10", "20", "50"])
        #expect(log.ticks(in: 1e-4...1e7).map(\.label) == ["1e-04", "0.01", "1", "100", "10000", "1e+06"])
    }

    @Test func fittedLimitsAddAFivePercentMargin() throws {
        #expect(try PlotAxis().resolvedLimits(values: [0, 10, .nan], axisName: "x") == -0.5...10.5)
        #expect(try PlotAxis().resolvedLimits(values: [2, 2], axisName: "x") == 1...3)
        #expect(try PlotAxis(limits: -1...1).resolvedLimits(values: [5], axisName: "x") == -1...1)
        #expect(throws: ReportingError.self) {
            try PlotAxis(limits: 0...1, scale: .logarithmic).resolvedLimits(values: [], axisName: "x")
        }
    }

    /// 2 × 3 panels of 50 × 40 with spacing 8 and no titles: 8 + 3·(50 + 8) = 182 wide,
    /// 8 + 2·(40 + 8) = 104 high; panel (r, c) starts at (8 + 58c, 8 + 48r).
    @Test func figureGridTilesPanels() throws {
        var grid = try FigureGrid(rows: 2, columns: 3)
        let colors = (0..<6).map { Color.series($0) }
        for row in 0..<2 {
            for column in 0..<3 {
                try grid.set(row: row, column: column, Canvas(width: 50, height: 40, background: colors[3 * row + column]))
            }
        }
        let figure = try grid.render()
        #expect(figure.width == 182 && figure.height == 104)
        for row in 0..<2 {
            for column in 0..<3 {
                let (x, y) = (8 + 58 * column, 8 + 48 * row)
                #expect(figure[x, y] == colors[3 * row + column] && figure[x + 49, y + 39] == colors[3 * row + column])
                #expect(figure[x - 1, y] == .white && figure[x + 50, y + 39] == .white)
            }
        }
        var titled = try FigureGrid(rows: 2, columns: 3, title: "Squares", rowTitles: ["10", "20000"],
                                    columnTitles: ["GAN", "mixup", "BGAN"])
        try titled.set(row: 1, column: 2, Canvas(width: 50, height: 40, background: .black))
        let withTitles = try titled.render()
        // Row titles at scale 2 take 5 glyphs · 6 · 2 − 2 = 58 px plus spacing; the title (scale 3)
        // and the column titles (scale 2) take 27 + 8 and 18 + 8 px. Empty cells keep the panel size.
        #expect(withTitles.width == 182 + 58 + 8 && withTitles.height == 104 + 35 + 26)
        #expect(withTitles[8 + 66 + 2 * 58, 8 + 61 + 48] == .black && withTitles[8 + 66 + 2 * 58 - 1, 8 + 61 + 48] == .white)
        #expect(throws: ReportingError.self) { try FigureGrid(rows: 2, columns: 3, rowTitles: ["only one"]) }
        #expect(throws: ReportingError.self) { try titled.set(row: 2, column: 0, Canvas(width: 1, height: 1)) }
        #expect(throws: ReportingError.self) { try FigureGrid(rows: 1, columns: 1).render() }
    }
}
