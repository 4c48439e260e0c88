public import Imaging

/// Draws images as DEC sixel graphics: a palette of at most `colorRegisters` colours (`SixelPalette`),
/// then the image in bands six pixels tall, one pass per colour used in the band, with run-length
/// encoding (`!n`) of repeated columns.
///
/// Sixel pixels cannot be scaled by the terminal, so the image is drawn at its own size: the pixel box
/// must come from the terminal's real cell size (`CellPixels`) or the image will not match its footprint.
/// The raster attributes (`"1;1;W;H`) declare square pixels and the image size, and P2 = 1 in the
/// introducer leaves unset pixels alone, so the padding rows of the last band do not paint over the caption.
/// - SeeAlso: <https://vt100.net/docs/vt3xx-gp/chapter14.html>
public struct SixelEncoder: CellEncoder {
    public let cellPixels: CellPixels
    /// How many colours an image may use; clamped to 1…256 (more registers would not help thumbnails).
    public let colorRegisters: Int

    public init(cellPixels: CellPixels = .fallback, colorRegisters: Int = 256) {
        self.cellPixels = cellPixels
        self.colorRegisters = min(256, max(1, colorRegisters))
    }

    public func pixelBox(for cells: CellSize) -> PixelSize { cellPixels.pixelBox(for: cells) }

    public func footprint(of size: PixelSize) -> CellSize { cellPixels.footprint(of: size) }

    public func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8] {
        guard pixels.width > 0, pixels.height > 0 else { return [] }
        let palette = SixelPalette(pixels, maximumColors: colorRegisters)
        var out: [UInt8] = []
        out.reserveCapacity(pixels.width * pixels.height / 2 + palette.colors.count * 20 + 64)
        out.append(.cursorPosition(origin))
        out.append(.sixelBegin)
        out.append(UInt8(ascii: "\""))
        out.appendDecimal(1)
        out.append(UInt8(ascii: ";"))
        out.appendDecimal(1)
        out.append(UInt8(ascii: ";"))
        out.appendDecimal(pixels.width)
        out.append(UInt8(ascii: ";"))
        out.appendDecimal(pixels.height)
        for (index, color) in palette.colors.enumerated() {
            // `#n;2;r;g;b` defines register n in RGB, each channel in percent.
            out.append(UInt8(ascii: "#"))
            out.appendDecimal(index)
            out.append(contentsOf: ";2;".utf8)
            out.appendDecimal(Self.percent(color.r))
            out.append(UInt8(ascii: ";"))
            out.appendDecimal(Self.percent(color.g))
            out.append(UInt8(ascii: ";"))
            out.appendDecimal(Self.percent(color.b))
        }
        appendBands(palette.indices, width: pixels.width, height: pixels.height, to: &out)
        out.append(.stringTerminator)
        return out
    }

    /// 0–255 to the nearest of sixel's 0–100.
    static func percent(_ value: UInt8) -> Int {
        (Int(value) * 100 + 127) / 255
    }

    /// For each band of six rows: for each colour in it (in register order), `#n` and one sixel per column,
    /// the passes separated by `$` (back to the band's start) and the bands by `-` (down one band).
    func appendBands(_ indices: [UInt16], width: Int, height: Int, to out: inout [UInt8]) {
        var bits: [[UInt8]] = Array(repeating: [], count: colorRegisters)
        var used: [Int] = []
        for bandTop in stride(from: 0, to: height, by: 6) {
            for row in bandTop..<min(height, bandTop + 6) {
                let bit = UInt8(1) << UInt8(row - bandTop)
                let rowStart = row * width
                for x in 0..<width {
                    let color = Int(indices[rowStart + x])
                    if bits[color].isEmpty {
                        bits[color] = Array(repeating: 0, count: width)
                        used.append(color)
                    }
                    bits[color][x] |= bit
                }
            }
            used.sort()
            for (pass, color) in used.enumerated() {
                if pass > 0 {
                    out.append(UInt8(ascii: "$"))
                }
                out.append(UInt8(ascii: "#"))
                out.appendDecimal(color)
                Self.appendRuns(bits[color], to: &out)
                bits[color] = []
            }
            used.removeAll(keepingCapacity: true)
            if bandTop + 6 < height {
                out.append(UInt8(ascii: "-"))
            }
        }
    }

    /// One pass of sixels (`?` + bits), runs of four or more written `!n` + sixel, trailing empties dropped.
    static func appendRuns(_ columns: [UInt8], to out: inout [UInt8]) {
        var end = columns.count
        while end > 0, columns[end - 1] == 0 {
            end -= 1
        }
        var x = 0
        while x < end {
            let value = columns[x]
            var run = 1
            while x + run < end, columns[x + run] == value {
                run += 1
            }
            let sixel = UInt8(ascii: "?") + value
            if run >= 4 {
                out.append(UInt8(ascii: "!"))
                out.appendDecimal(run)
                out.append(sixel)
            } else {
                out.append(contentsOf: repeatElement(sixel, count: run))
            }
            x += run
        }
    }
}
