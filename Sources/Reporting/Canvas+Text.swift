extension Canvas {
    /// Draws `text` in the embedded `BitmapFont`, each font pixel a `scale × scale` block,
    /// placed relative to `anchor` as `style` says (rounded to whole pixels, so text is crisp).
    public mutating func drawText(_ text: String, at anchor: CanvasPoint, style: TextStyle) {
        guard anchor.x.isFinite, anchor.y.isFinite, !text.isEmpty else { return }
        let s = style.scale
        let boxWidth = BitmapFont.width(of: text, scale: s)
        let offsetAlong: Int
        switch style.horizontal {
        case .left: offsetAlong = 0
        case .center: offsetAlong = boxWidth / 2
        case .right: offsetAlong = boxWidth
        }
        let offsetAcross: Int
        switch style.vertical {
        case .top: offsetAcross = 0
        case .middle: offsetAcross = BitmapFont.capHeight * s / 2
        case .bottom: offsetAcross = BitmapFont.glyphHeight * s
        }
        let ax = Int(anchor.x.rounded()), ay = Int(anchor.y.rounded())
        for (index, character) in text.enumerated() {
            for (row, bits) in BitmapFont.rows(of: character).enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    // (u, v): the font pixel's top-left corner in the text's own frame.
                    let u = (index * BitmapFont.advance + column) * s - offsetAlong
                    let v = row * s - offsetAcross
                    let block = style.rotated
                        ? PixelRect(x: ax + v, y: ay - u - s, width: s, height: s)
                        : PixelRect(x: ax + u, y: ay + v, width: s, height: s)
                    fillRectangle(block, color: style.color, opacity: 1)
                }
            }
        }
    }
}
