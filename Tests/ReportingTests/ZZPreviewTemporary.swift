import Foundation
import Reporting
import Testing
import TensorCore

@Suite struct ZZPreview {
    @Test func preview() throws {
        let dir = "/tmp/report/preview"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Font sheet.
        var sheet = try Canvas(width: 420, height: 150)
        let chars = (32...126).map { String(UnicodeScalar(UInt8($0))) }.joined() + "±×·γσλμρ≈€"
        for (i, start) in stride(from: 0, to: chars.count, by: 32).enumerated() {
            let line = String(chars.dropFirst(start).prefix(32))
            sheet.drawText(line, at: CanvasPoint(x: 4, y: Double(4 + i * 22)), style: TextStyle(scale: 2))
        }
        sheet.drawText("The quick brown fox jumps; BGAN (γ=0.3) 0.91 ± 0.02", at: CanvasPoint(x: 4, y: 100), style: TextStyle(scale: 1))
        sheet.drawText("rotated", at: CanvasPoint(x: 400, y: 140), style: TextStyle(scale: 1, rotated: true))
        try sheet.savePNG(to: dir + "/font.png", existing: .overwrite)

        var generator = RandomStream(seed: 3)
        let real = generator.normal([500, 2], standardDeviation: 0.05)
        let fake = generator.normal([500, 2], standardDeviation: 1)
        var plot = ScatterPlot(title: "Squares, BGAN, 1000 it", xAxis: PlotAxis(label: "x", limits: -3...3),
                               yAxis: PlotAxis(label: "y", limits: -3...3))
        try plot.add("data", points: real)
        try plot.add("generated", points: fake)
        try plot.savePNG(to: dir + "/scatter.png", existing: .overwrite)
        try plot.saveSVG(to: dir + "/scatter.svg", existing: .overwrite)

        var line = LinePlot(title: "Discriminator loss", xAxis: PlotAxis(label: "iteration", scale: .logarithmic),
                            yAxis: PlotAxis(label: "loss"))
        let xs = (1...200).map { Double($0 * 50) }
        try line.add("BGAN", x: xs, y: xs.map { 0.7 + 0.3 * exp(-$0 / 2000) })
        try line.add("M-BGAN", x: xs, y: xs.map { 0.6 + 0.2 * sin($0 / 1000) })
        try line.savePNG(to: dir + "/line.png", width: 560, height: 380, existing: .overwrite)
        try line.saveSVG(to: dir + "/line.svg", width: 560, height: 380, existing: .overwrite)

        var grid = try FigureGrid(rows: 2, columns: 3, title: "Squares", rowTitles: ["10", "10000"],
                                  columnTitles: ["GAN", "mixup GAN", "BGAN (γ=0.3)"])
        var small = plot
        small.title = ""
        small.legend = .none
        for r in 0..<2 { for c in 0..<3 { try grid.set(row: r, column: c, small.render(width: 220, height: 220)) } }
        try grid.savePNG(to: dir + "/grid.png", existing: .overwrite)
    }
}
