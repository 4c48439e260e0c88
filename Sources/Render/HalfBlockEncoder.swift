public import Imaging

/// Draws an image with `▀` (U+2580 UPPER HALF BLOCK): the foreground paints the upper pixel of a cell and the
/// background the lower one, so each cell shows two pixels stacked, which matches a cell's roughly 1:2 shape.
///
/// Colour codes are emitted only when they change from the previous cell (one combined SGR when both change),
/// which keeps flat areas cheap. Each cell row starts with an absolute cursor position, so the output is
/// correct wherever the cursor was and never depends on line wrapping.
public struct HalfBlockEncoder: CellEncoder {
    public let colorMode: ColorMode

    public init(colorMode: ColorMode = .trueColor) {
        self.colorMode = colorMode
    }

    /// UTF-8 for U+2580.
    static let upperHalfBlock: [UInt8] = [0xE2, 0x96, 0x80]

    public func pixelBox(for cells: CellSize) -> PixelSize {
        PixelSize(width: max(0, cells.columns), height: max(0, cells.rows) * 2)
    }

    public func footprint(of size: PixelSize) -> CellSize {
        CellSize(columns: size.width, rows: (size.height + 1) / 2)
    }

    public func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8] {
        let cellRows = (pixels.height + 1) / 2
        var out: [UInt8] = []
        out.reserveCapacity(pixels.width * cellRows * 12 + cellRows * 10)

        // What the terminal currently has; nil means "default" (after a reset).
        var currentForeground: TerminalColor?
        var currentBackground: TerminalColor?

        for cellRow in 0..<cellRows {
            out.append(.cursorPosition(CellPosition(row: origin.row + cellRow, column: origin.column)))
            let upperY = cellRow * 2
            let lowerY = upperY + 1
            for x in 0..<pixels.width {
                let foreground = colorMode.color(for: pixels[x, upperY])
                // An odd-height image's last row has no lower pixel: leave the terminal's own background there.
                let background = lowerY < pixels.height ? colorMode.color(for: pixels[x, lowerY]) : nil

                let foregroundChanged = foreground != currentForeground
                let backgroundChanged = background != currentBackground
                switch (foregroundChanged, backgroundChanged, background) {
                case (true, true, .some(let background)):
                    out.append(.colors(foreground: foreground, background: background))
                case (true, true, .none):
                    out.append(.foreground(foreground))
                    out.append(.defaultBackground)
                case (true, false, _):
                    out.append(.foreground(foreground))
                case (false, true, .some(let background)):
                    out.append(.background(background))
                case (false, true, .none):
                    out.append(.defaultBackground)
                case (false, false, _):
                    break
                }
                currentForeground = foreground
                currentBackground = background
                out.append(contentsOf: Self.upperHalfBlock)
            }
        }
        if cellRows > 0 {
            out.append(.resetAttributes)
        }
        return out
    }
}
