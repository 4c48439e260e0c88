import Imaging

/// Reads an X Window Dump (`xwd -root`) of a TrueColor screen into pixels, for the real-terminal test.
/// The header is 25 big-endian 32-bit fields, then the window name, then the colour map, then the rows.
/// - SeeAlso: X11's `XWDFile.h`.
enum XWDReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func decode(_ data: [UInt8]) throws -> Pixels {
        func field(_ index: Int) -> Int {
            data[(index * 4)..<(index * 4 + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard data.count >= 100, field(1) == 7 else { throw Failure(description: "not an XWD version 7 file") }
        let headerSize = field(0)
        let format = field(2)
        let width = field(4)
        let height = field(5)
        let byteOrder = field(7)
        let bitsPerPixel = field(11)
        let bytesPerLine = field(12)
        let (redMask, greenMask, blueMask) = (field(14), field(15), field(16))
        let colors = field(19)
        guard format == 2, bitsPerPixel == 32 else {
            throw Failure(description: "only 32-bit ZPixmap dumps are read (format \(format), \(bitsPerPixel) bpp)")
        }
        let start = headerSize + colors * 12
        guard data.count >= start + bytesPerLine * height else { throw Failure(description: "truncated") }
        func shift(_ mask: Int) -> Int { mask == 0 ? 0 : mask.trailingZeroBitCount }
        var bytes = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let at = start + y * bytesPerLine + x * 4
                let word =
                    byteOrder == 0
                    ? Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24
                    : Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3])
                let o = (y * width + x) * 4
                bytes[o] = UInt8((word & redMask) >> shift(redMask) & 0xff)
                bytes[o + 1] = UInt8((word & greenMask) >> shift(greenMask) & 0xff)
                bytes[o + 2] = UInt8((word & blueMask) >> shift(blueMask) & 0xff)
            }
        }
        return Pixels(width: width, height: height, bytes: bytes)
    }
}
