public import Imaging

/// Draws images with iTerm2's inline image protocol (also understood by WezTerm, mintty and Konsole):
/// OSC 1337 `File=inline=1` with a Base64 PNG from `PNGWriter`, sized in cells.
///
/// As with kitty, the image is told its footprint in cells (`width=`, `height=`, `preserveAspectRatio=0`),
/// so the terminal scales it into exactly the cells we reserved. The pixels belong to the cells, so text
/// drawn over them later removes them and there is nothing to delete at exit.
/// - SeeAlso: <https://iterm2.com/documentation-images.html>
public struct ITermEncoder: CellEncoder {
    public let cellPixels: CellPixels

    public init(cellPixels: CellPixels = .fallback) {
        self.cellPixels = cellPixels
    }

    public func pixelBox(for cells: CellSize) -> PixelSize { cellPixels.pixelBox(for: cells) }

    public func footprint(of size: PixelSize) -> CellSize { cellPixels.footprint(of: size) }

    public func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8] {
        guard pixels.width > 0, pixels.height > 0 else { return [] }
        let cells = footprint(of: PixelSize(width: pixels.width, height: pixels.height))
        let png = PNGWriter.encode(pixels)
        let arguments =
            "inline=1;size=\(png.count);width=\(cells.columns);height=\(cells.rows);preserveAspectRatio=0"
        var out: [UInt8] = []
        out.append(.cursorPosition(origin))
        out.append(.iTermFile(arguments: arguments, payload: Base64.encode(png)))
        return out
    }
}
