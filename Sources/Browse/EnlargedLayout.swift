public import Imaging
public import Render

/// Where one image goes when it is shown alone: the whole window but its last row, which holds the status or
/// facts line. Pure.
///
/// The encoder knows how many pixels a cell holds (two per cell for half-blocks, the cell's real pixels for
/// kitty, sixel and iTerm2), so sizes are worked out in its pixels and turned back into cells through it: an
/// image keeps its shape whatever the cells' aspect.
public struct EnlargedLayout: Sendable, Hashable {
    /// Rows under the image: the status line (`i`'s facts, "fetch again with r", a save's result).
    public static let statusRows = 1

    public let window: CellSize

    public init(window: CellSize) {
        self.window = window
    }

    /// The cells the image may use.
    public var imageArea: CellRect {
        CellRect(row: 0, column: 0, columns: max(0, window.columns), rows: max(0, window.rows - Self.statusRows))
    }

    /// The status line's row.
    public var statusRow: Int { max(0, window.rows - Self.statusRows) }

    /// The box to decode into (`makeImageDecoder(fitting:)`): every pixel of the image area in `encoder`'s pixels.
    public func pixelBox(for encoder: any CellEncoder) -> PixelSize {
        encoder.pixelBox(for: imageArea.size)
    }

    /// The largest size with `image`'s aspect ratio inside `box`, larger or smaller than the image. Both sides at
    /// least 1 pixel when the box has room.
    public static func fit(_ image: PixelSize, in box: PixelSize) -> PixelSize {
        guard image.width > 0, image.height > 0, box.width > 0, box.height > 0 else {
            return PixelSize(width: 0, height: 0)
        }
        // Compare the two ratios by cross-multiplying, so the wider side is chosen exactly.
        if image.width * box.height >= box.width * image.height {
            return PixelSize(width: box.width, height: max(1, box.width * image.height / image.width))
        }
        return PixelSize(width: max(1, box.height * image.width / image.height), height: box.height)
    }

    /// The cells a picture of `size` (already fitted to `pixelBox`) covers, centred in the image area.
    public func placement(of size: PixelSize, encoder: any CellEncoder) -> CellRect {
        let area = imageArea
        let footprint = encoder.footprint(of: size)
        let columns = min(footprint.columns, area.size.columns)
        let rows = min(footprint.rows, area.size.rows)
        return CellRect(
            row: area.origin.row + (area.size.rows - rows) / 2,
            column: area.origin.column + (area.size.columns - columns) / 2,
            columns: columns, rows: rows)
    }
}
