/// Moving the grid's window by hand, for browsing: the user's highlight decides what is visible, not the newest
/// image.
extension GalleryScreen {
    /// The last grid row that can be at the top of the screen.
    public var lastFirstVisibleSlotRow: Int {
        max(0, layout.slotRows - layout.visibleSlotRows)
    }

    /// Puts grid row `row` (clamped) at the top of the screen and redraws the grid, and the gutter row under it,
    /// where a highlight's frame may have been drawn.
    public mutating func scroll(to row: Int) -> [UInt8] {
        firstVisibleSlotRow = min(max(0, row), lastFirstVisibleSlotRow)
        var frame: [UInt8] = []
        appendGrid(to: &frame)
        let separator = layout.gridHeight
        if separator < layout.progressArea.origin.row {
            frame.append(.cursorPosition(CellPosition(row: separator, column: 0)))
            frame.append(.eraseLine)
        }
        return frame
    }

    /// Redraws everything at the same size: after an overlay (the key list) or frames that were held back.
    public mutating func redraw() -> [UInt8] {
        let row = firstVisibleSlotRow
        var frame = relayout(to: layout.terminal)
        if row != firstVisibleSlotRow {
            frame += scroll(to: row)
        }
        return frame
    }

    /// The caption of a shown slot, for the highlight to draw it again.
    public func caption(of slot: Int) -> Caption? {
        guard sheet.slots.indices.contains(slot), case .image(_, let caption) = sheet.slots[slot] else { return nil }
        return caption
    }

    /// Replaces the status line in the progress area.
    public mutating func status(_ text: String?) -> [UInt8] {
        statusText = text
        var frame: [UInt8] = []
        appendProgressArea(to: &frame)
        return frame
    }
}
