@testable import Reporting
import Testing

/// Pixel-exact checks of the raster renderer: blending, lines, discs, clipping and text.
@Suite struct CanvasTests {
    private let white = Color.white, black = Color.black

    @Test func rectanglesBlendWithOpacity() throws {
        var canvas = try Canvas(width: 4, height: 4)
        canvas.fillRectangle(PixelRect(x: 1, y: 1, width: 2, height: 2), color: black, opacity: 0.5)
        #expect(canvas[1, 1] == Color(red: 128, green: 128, blue: 128), "0.5·0 + 0.5·255 = 127.5, rounded")
        #expect(canvas[2, 2] == canvas[1, 1])
        #expect(canvas[0, 0] == white && canvas[3, 3] == white && canvas[3, 1] == white)
        canvas.fillRectangle(PixelRect(x: -5, y: 3, width: 100, height: 100), color: Color(hex: 0x102030), opacity: 1)
        #expect(canvas[0, 3] == Color(red: 0x10, green: 0x20, blue: 0x30) && canvas[3, 3] == canvas[0, 3])
    }

    /// A one-pixel line through pixel centres lights exactly one row.
    @Test func crispLinesLightOnePixelRow() throws {
        var canvas = try Canvas(width: 6, height: 5)
        canvas.drawLine(from: CanvasPoint(x: 0.5, y: 2.5), to: CanvasPoint(x: 4.5, y: 2.5), color: black, width: 1)
        for x in 0..<6 {
            #expect(canvas[x, 2] == (x <= 4 ? black : white), "row 2, column \(x)")
            #expect(canvas[x, 1] == white && canvas[x, 3] == white)
        }
    }

    @Test func discsAreFullInsidePartialOnTheEdgeAndUntouchedOutside() throws {
        var canvas = try Canvas(width: 12, height: 12)
        canvas.fillCircle(center: CanvasPoint(x: 6, y: 6), radius: 3, color: black)
        #expect(canvas[5, 5] == black && canvas[6, 6] == black && canvas[4, 6] == black)
        #expect(canvas[10, 6] == white && canvas[1, 1] == white)
        // Pixel (8, 7) has its centre (8.5, 7.5) at distance 2.92 from the centre: 58 % covered.
        let edge = canvas[8, 7].red
        #expect(edge > 0 && edge < 255)
        let distance: Double = (2.5 * 2.5 + 1.5 * 1.5).squareRoot()
        let coverage: Double = 0.5 - (distance - 3)
        #expect(abs(Double(edge) - 255 * (1 - coverage)) <= 0.5)
    }

    @Test func clippingConfinesDrawing() throws {
        var canvas = try Canvas(width: 6, height: 6)
        canvas.setClip(PixelRect(x: 2, y: 2, width: 2, height: 2))
        canvas.fillRectangle(canvas.bounds, color: black, opacity: 1)
        canvas.fillCircle(center: CanvasPoint(x: 0, y: 0), radius: 10, color: black)
        #expect(canvas[2, 2] == black && canvas[3, 3] == black)
        #expect(canvas[1, 2] == white && canvas[4, 3] == white && canvas[2, 4] == white)
        canvas.setClip(nil)
        canvas.fillRectangle(PixelRect(x: 0, y: 0, width: 1, height: 1), color: black, opacity: 1)
        #expect(canvas[0, 0] == black)
    }

    /// "I" is `.###.` over `..#..`: its pixels land where the glyph says, scaled by `scale`.
    @Test func textDrawsTheGlyphPixels() throws {
        var canvas = try Canvas(width: 20, height: 20)
        canvas.drawText("I", at: CanvasPoint(x: 0, y: 0), style: TextStyle(scale: 1))
        #expect((0..<5).map { canvas[$0, 0] } == [white, black, black, black, white])
        #expect((0..<5).map { canvas[$0, 1] } == [white, white, black, white, white])
        var doubled = try Canvas(width: 20, height: 20)
        doubled.drawText("I", at: CanvasPoint(x: 4, y: 2), style: TextStyle(scale: 2))
        #expect(doubled[6, 2] == black && doubled[7, 3] == black && doubled[5, 2] == white && doubled[6, 1] == white)
        // Right/bottom alignment: the text ends at the anchor.
        var aligned = try Canvas(width: 20, height: 20)
        aligned.drawText("I", at: CanvasPoint(x: 10, y: 10), style: TextStyle(horizontal: .right, vertical: .bottom))
        #expect(aligned[6, 1] == black && aligned[8, 1] == black, "top bar of I at row 10 − 9 = 1, columns 6…8")
        #expect(aligned[9, 1] == white && aligned[5, 1] == white)
    }

    /// The bar of "-" (row 3, columns 0–4) turned counter-clockwise becomes column 3 going up.
    @Test func rotatedTextReadsBottomToTop() throws {
        var canvas = try Canvas(width: 20, height: 20)
        canvas.drawText("-", at: CanvasPoint(x: 10, y: 10), style: TextStyle(rotated: true))
        for y in 0..<20 {
            #expect(canvas[13, y] == ((5...9).contains(y) ? black : white), "column 13, row \(y)")
        }
        #expect(canvas[12, 7] == white && canvas[14, 7] == white)
    }

    @Test func pastingACanvasCopiesItsPixels() throws {
        var panel = try Canvas(width: 2, height: 2, background: black)
        panel[1, 1] = Color(hex: 0xFF0000)
        var canvas = try Canvas(width: 5, height: 5)
        canvas.draw(panel, atX: 3, y: 3)
        canvas.draw(panel, atX: -1, y: -1)
        #expect(canvas[3, 3] == black && canvas[4, 4] == Color(hex: 0xFF0000) && canvas[2, 3] == white)
        #expect(canvas[0, 0] == Color(hex: 0xFF0000) && canvas[1, 1] == white)
    }

    @Test func invalidSizesThrow() {
        #expect(throws: ReportingError.self) { try Canvas(width: 0, height: 5) }
        #expect(throws: ReportingError.self) { try Canvas(width: 1 << 20, height: 1 << 20) }
    }

    /// The pixel-art table is well formed and covers printable ASCII.
    @Test func fontTableIsWellFormed() {
        var seen = Set<Character>()
        for block in BitmapFont.blocks {
            #expect(block.art.count == BitmapFont.glyphHeight, "block \(block.characters)")
            for row in block.art {
                let glyphs = row.split(separator: " ", omittingEmptySubsequences: false)
                #expect(glyphs.count == block.characters.count, "block \(block.characters): \(row)")
                #expect(glyphs.allSatisfy { $0.count == BitmapFont.glyphWidth && $0.allSatisfy { "#.".contains($0) } })
            }
            for character in block.characters { #expect(seen.insert(character).inserted, "\(character) drawn twice") }
        }
        let ascii = (32...126).map { Character(UnicodeScalar(UInt8($0))) }
        #expect(ascii.allSatisfy(seen.contains))
        #expect(BitmapFont.rows(of: "A") == [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11, 0, 0])
        #expect(BitmapFont.rows(of: "€") == [0x1F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F, 0, 0], "hollow box")
        #expect(BitmapFont.width(of: "abc", scale: 2) == 34)
    }
}
