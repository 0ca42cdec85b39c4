/// Tiles panels (rendered plots) into one image with a title, a title per column and a title
/// per row — e.g. the "methods × iterations" scatter grids of spec Fig. 4.3.
///
/// ```swift
/// var grid = try FigureGrid(rows: 5, columns: 3, title: "Squares",
///                           rowTitles: ["10 it", "100 it", …], columnTitles: ["GAN", "mixup", "BGAN"])
/// try grid.set(row: 0, column: 2, try plot.render(width: 240, height: 240))
/// try grid.savePNG(to: "results/ch4/fig4_3_squares.png")
/// ```
/// Each column is as wide as its widest panel and each row as tall as its tallest (an empty
/// column or row takes the size of the largest panel); panels are centred in their cells,
/// and cells without a panel stay blank.
public struct FigureGrid {
    public let rowCount: Int
    public let columnCount: Int
    public var title: String
    public var rowTitles: [String]
    public var columnTitles: [String]
    public var textScale: Int = 2
    /// Pixels between cells and around the figure.
    public var spacing: Int = 8
    public var background: Color = .white
    public private(set) var panels: [[Canvas?]]

    public init(rows: Int, columns: Int, title: String = "", rowTitles: [String] = [], columnTitles: [String] = []) throws {
        guard rows >= 1, columns >= 1 else {
            throw ReportingError.invalidArgument(operation: "FigureGrid",
                                                 detail: "needs at least one row and one column, got \(rows) × \(columns)")
        }
        guard rowTitles.isEmpty || rowTitles.count == rows, columnTitles.isEmpty || columnTitles.count == columns else {
            throw ReportingError.invalidArgument(
                operation: "FigureGrid",
                detail: "\(rowTitles.count) row titles and \(columnTitles.count) column titles for a \(rows) × \(columns) grid; "
                    + "give one title per row and per column, or none")
        }
        rowCount = rows
        columnCount = columns
        self.title = title
        self.rowTitles = rowTitles
        self.columnTitles = columnTitles
        panels = Array(repeating: Array(repeating: nil, count: columns), count: rows)
    }

    /// Places `panel` in cell `(row, column)`, replacing what was there.
    public mutating func set(row: Int, column: Int, _ panel: Canvas) throws {
        guard (0..<rowCount).contains(row), (0..<columnCount).contains(column) else {
            throw ReportingError.invalidArgument(
                operation: "FigureGrid.set",
                detail: "cell (\(row), \(column)) is outside the \(rowCount) × \(columnCount) grid (rows and columns count from 0)")
        }
        panels[row][column] = panel
    }

    /// The assembled figure.
    public func render() throws -> Canvas {
        let placed = panels.joined().compactMap { $0 }
        guard let widest = placed.map(\.width).max(), let tallest = placed.map(\.height).max() else {
            throw ReportingError.invalidArgument(operation: "FigureGrid.render",
                                                 detail: "the grid has no panels; add them with set(row:column:_:)")
        }
        let columnWidths = (0..<columnCount).map { column in panels.compactMap { $0[column]?.width }.max() ?? widest }
        let rowHeights = panels.map { row in row.compactMap { $0?.height }.max() ?? tallest }
        let lineHeight = BitmapFont.glyphHeight * textScale
        let titleHeight = title.isEmpty ? 0 : BitmapFont.glyphHeight * (textScale + 1) + spacing
        let columnTitleHeight = columnTitles.isEmpty ? 0 : lineHeight + spacing
        let rowTitleWidth = rowTitles.isEmpty ? 0 : (rowTitles.map { BitmapFont.width(of: $0, scale: textScale) }.max() ?? 0) + spacing
        let width = spacing + rowTitleWidth + columnWidths.reduce(0, +) + spacing * columnCount
        let height = spacing + titleHeight + columnTitleHeight + rowHeights.reduce(0, +) + spacing * rowCount
        var canvas = try Canvas(width: width, height: height, background: background)

        let top = spacing + titleHeight + columnTitleHeight
        let left = spacing + rowTitleWidth
        let columnStarts = columnWidths.indices.map { left + columnWidths[..<$0].reduce(0, +) + spacing * $0 }
        let rowStarts = rowHeights.indices.map { top + rowHeights[..<$0].reduce(0, +) + spacing * $0 }
        if !title.isEmpty {
            canvas.drawText(title, at: CanvasPoint(x: Double(left + (width - left - spacing) / 2), y: Double(spacing)),
                            style: TextStyle(scale: textScale + 1, horizontal: .center))
        }
        for (column, name) in columnTitles.enumerated() {
            canvas.drawText(name, at: CanvasPoint(x: Double(columnStarts[column] + columnWidths[column] / 2),
                                                  y: Double(spacing + titleHeight)),
                            style: TextStyle(scale: textScale, horizontal: .center))
        }
        for (row, name) in rowTitles.enumerated() {
            canvas.drawText(name, at: CanvasPoint(x: Double(left - spacing), y: Double(rowStarts[row] + rowHeights[row] / 2)),
                            style: TextStyle(scale: textScale, horizontal: .right, vertical: .middle))
        }
        for (row, cells) in panels.enumerated() {
            for (column, panel) in cells.enumerated() {
                guard let panel else { continue }
                canvas.draw(panel, atX: columnStarts[column] + (columnWidths[column] - panel.width) / 2,
                            y: rowStarts[row] + (rowHeights[row] - panel.height) / 2)
            }
        }
        return canvas
    }

    /// Renders the figure and writes it as a PNG file, atomically.
    public func savePNG(to path: String, existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try render().savePNG(to: path, existing: existing)
    }
}
