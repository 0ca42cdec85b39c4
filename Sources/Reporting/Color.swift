/// An sRGB colour with 8 bits per channel.
public struct Color: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8(truncatingIfNeeded: hex >> 16), green: UInt8(truncatingIfNeeded: hex >> 8),
                  blue: UInt8(truncatingIfNeeded: hex))
    }

    /// `#rrggbb`, as SVG and CSS write it.
    public var hexString: String {
        "#" + [red, green, blue].map { value in
            let digits = String(value, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)
    public static let gray = Color(hex: 0x808080)
    public static let lightGray = Color(hex: 0xD9D9D9)

    /// Ten colours that stay distinguishable on white (the usual categorical palette of
    /// plotting libraries); series without a colour take them in order.
    public static let palette: [Color] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
        0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map(Color.init(hex:))

    /// The palette colour for series `index` (cycling).
    public static func series(_ index: Int) -> Color { palette[((index % palette.count) + palette.count) % palette.count] }
}
