public import Imaging

/// A screen dump: `width × height` pixels, four bytes each (R, G, B, 255), rows top to bottom.
public struct Screenshot: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let rgba: [UInt8]

    public init(width: Int, height: Int, rgba: [UInt8]) {
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The same pixels as `Pixels`, for the colour checks and `PNGWriter`.
    public var pixels: Pixels { Pixels(width: width, height: height, bytes: rgba) }
}

/// Reads an X Window Dump (`xwd`) of a TrueColor window or screen.
/// The header is 25 big-endian 32-bit fields, then the window name, then the colour map, then the rows.
/// Pixels are 32 bits, or 24 bits packed when `xwd -root` merges windows of several visuals (kitty's and
/// the root's).
/// - SeeAlso: X11's `XWDFile.h`.
public enum XWDReader {
    public static func decode(_ data: [UInt8]) throws -> Screenshot {
        func field(_ index: Int) -> Int {
            data[(index * 4)..<(index * 4 + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard data.count >= 100, field(1) == 7 else { throw SupportError("not an XWD version 7 file") }
        let headerSize = field(0)
        let format = field(2)
        let width = field(4)
        let height = field(5)
        let byteOrder = field(7)
        let bitsPerPixel = field(11)
        let bytesPerLine = field(12)
        let (redMask, greenMask, blueMask) = (field(14), field(15), field(16))
        let colors = field(19)
        guard format == 2, bitsPerPixel == 32 || bitsPerPixel == 24 else {
            throw SupportError("only 24- and 32-bit ZPixmap dumps are read (format \(format), \(bitsPerPixel) bpp)")
        }
        let bytesPerPixel = bitsPerPixel / 8
        let start = headerSize + colors * 12
        guard data.count >= start + bytesPerLine * height else { throw SupportError("truncated XWD file") }
        func shift(_ mask: Int) -> Int { mask == 0 ? 0 : mask.trailingZeroBitCount }
        var bytes = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let at = start + y * bytesPerLine + x * bytesPerPixel
                let pixel = data[at..<(at + bytesPerPixel)]
                let word =
                    byteOrder == 0
                    ? pixel.reversed().reduce(0) { $0 << 8 | Int($1) } : pixel.reduce(0) { $0 << 8 | Int($1) }
                let o = (y * width + x) * 4
                bytes[o] = UInt8((word & redMask) >> shift(redMask) & 0xff)
                bytes[o + 1] = UInt8((word & greenMask) >> shift(greenMask) & 0xff)
                bytes[o + 2] = UInt8((word & blueMask) >> shift(blueMask) & 0xff)
            }
        }
        return Screenshot(width: width, height: height, rgba: bytes)
    }
}
