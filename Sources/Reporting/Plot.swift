/// A figure that can draw itself on any `DrawingSurface`; gives every plot PNG and SVG output.
public protocol Plot {
    func draw<Surface: DrawingSurface>(on surface: inout Surface) throws
    /// Where data coordinates land in a `width × height` image of this plot (for annotations
    /// and tests).
    func mapping(width: Int, height: Int) throws -> PlotMapping
}

extension Plot {
    /// The plot drawn on a new `width × height` canvas.
    public func render(width: Int = 480, height: Int = 400) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height)
        try draw(on: &canvas)
        return canvas
    }

    /// The plot drawn as an SVG document.
    public func svg(width: Int = 480, height: Int = 400) throws -> SVGDocument {
        var document = try SVGDocument(width: width, height: height)
        try draw(on: &document)
        return document
    }

    /// Renders the plot and writes it as a PNG file, atomically.
    public func savePNG(to path: String, width: Int = 480, height: Int = 400,
                        existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try render(width: width, height: height).savePNG(to: path, existing: existing)
    }

    /// Draws the plot and writes it as an SVG file, atomically.
    public func saveSVG(to path: String, width: Int = 480, height: Int = 400,
                        existing: ExistingFilePolicy = .refuseOverwrite) throws {
        try svg(width: width, height: height).save(to: path, existing: existing)
    }
}
