import TensorCore

extension Canvas {
    /// A sample grid: `images [N, C, H, W]` in [−1, 1] (the generators' tanh range; values
    /// outside are clipped) laid out `columns` per row with `gap` pixels of `background`
    /// between them and around them. C = 3 is drawn as RGB, C = 1 as grey; each image pixel
    /// becomes `zoom × zoom` canvas pixels.
    public static func imageGrid(_ images: Tensor, columns: Int, zoom: Int = 2, gap: Int = 2,
                                 background: Color = .white) throws -> Canvas {
        guard images.rank == 4, [1, 3].contains(images.shape[1]), images.shape[0] >= 1 else {
            throw ReportingError.invalidArgument(operation: "imageGrid",
                                                 detail: "images must be [N, 1 or 3, H, W] with N ≥ 1, got \(images.shape)")
        }
        guard columns >= 1, zoom >= 1, gap >= 0 else {
            throw ReportingError.invalidArgument(operation: "imageGrid", detail: "columns and zoom must be ≥ 1, gap ≥ 0")
        }
        let (count, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let rows = (count + columns - 1) / columns
        let cellWidth = width * zoom + gap, cellHeight = height * zoom + gap
        var canvas = try Canvas(width: min(count, columns) * cellWidth + gap, height: rows * cellHeight + gap,
                                background: background)
        let scalars = images.scalars
        func level(_ value: Float) -> UInt8 { UInt8((min(1, max(-1, value)) + 1) * 127.5 + 0.5) }
        for index in 0..<count {
            let left = gap + (index % columns) * cellWidth, top = gap + (index / columns) * cellHeight
            for y in 0..<height {
                for x in 0..<width {
                    let base = index * channels * height * width + y * width + x
                    let values = (0..<3).map { level(scalars[base + min($0, channels - 1) * height * width]) }
                    let color = Color(red: values[0], green: values[1], blue: values[2])
                    canvas.fillRectangle(PixelRect(x: left + x * zoom, y: top + y * zoom, width: zoom, height: zoom),
                                         color: color)
                }
            }
        }
        return canvas
    }
}
