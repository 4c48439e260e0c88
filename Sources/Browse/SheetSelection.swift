public import Render

/// The highlight on the contact sheet: which shown slot it is on, and where each key moves it. Pure.
///
/// Slots fill in completion order, so the shown slots are always `0..<shown`; the highlight appears on slot 0
/// with the first image and never rests on a slot still waiting. Left and right stay in the row, like a grid;
/// `next` and `previous` go in reading order across rows, like pages. Home and End go to the ends of the row,
/// PgUp and PgDn by as many rows as the window shows (to the top or bottom row when the sheet fits).
public struct SheetSelection: Sendable, Hashable {
    public enum Move: Sendable, Hashable {
        case up
        case down
        case left
        case right
        case rowStart
        case rowEnd
        case pageUp
        case pageDown
        case next
        case previous
        /// A mouse click on a cell: the slot under it, if it shows an image.
        case click(CellPosition)
    }

    /// The highlighted slot; nil until an image is shown.
    public private(set) var slot: Int?
    /// Slots showing an image: `0..<shown`.
    public private(set) var shown = 0
    public private(set) var layout: GridLayout

    public init(layout: GridLayout) {
        self.layout = layout
    }

    /// Another image was shown (or `count` in all): the highlight starts on the first.
    public mutating func show(count: Int) {
        shown = max(shown, min(count, layout.slotCount))
        if slot == nil, shown > 0 { slot = 0 }
    }

    /// The sheet was laid out again (SIGWINCH); the highlight stays on its slot.
    public mutating func relayout(_ layout: GridLayout) {
        self.layout = layout
        shown = min(shown, layout.slotCount)
    }

    /// Moves the highlight; returns whether it moved. `firstVisibleSlotRow` is the grid row at the top of the
    /// screen, which a click needs to know which slot is under it.
    @discardableResult
    public mutating func apply(_ move: Move, firstVisibleSlotRow: Int = 0) -> Bool {
        guard let current = slot, layout.columns > 0 else { return false }
        let target = self.target(of: move, from: current, firstVisibleSlotRow: firstVisibleSlotRow)
        guard let target, (0..<shown).contains(target), target != current else { return false }
        slot = target
        return true
    }

    private func target(of move: Move, from current: Int, firstVisibleSlotRow: Int) -> Int? {
        let columns = layout.columns
        let row = current / columns
        let column = current % columns
        let lastRow = (shown - 1) / columns
        switch move {
        case .left: return column > 0 ? current - 1 : nil
        case .right: return column < columns - 1 ? current + 1 : nil
        case .up: return inRow(row - 1, column: column, lastRow: lastRow)
        case .down: return inRow(row + 1, column: column, lastRow: lastRow)
        case .pageUp: return inRow(max(0, row - page), column: column, lastRow: lastRow)
        case .pageDown: return inRow(min(lastRow, row + page), column: column, lastRow: lastRow)
        case .rowStart: return row * columns
        case .rowEnd: return min(shown, (row + 1) * columns) - 1
        case .next: return current + 1
        case .previous: return current - 1
        case .click(let position): return Self.slot(at: position, in: layout, firstVisibleSlotRow: firstVisibleSlotRow)
        }
    }

    /// Rows a page moves: what the window shows at once.
    private var page: Int { max(1, layout.visibleSlotRows) }

    /// The slot in `column` of `row`, or the row's last shown slot when the row is not full yet.
    private func inRow(_ row: Int, column: Int, lastRow: Int) -> Int? {
        guard (0...lastRow).contains(row) else { return nil }
        return min(row * layout.columns + column, shown - 1)
    }

    /// The slot whose rectangle (thumbnail or caption) holds `position`, or nil over a gutter or the progress area.
    public static func slot(at position: CellPosition, in layout: GridLayout, firstVisibleSlotRow: Int) -> Int? {
        guard layout.columns > 0, position.row >= 0, position.column >= 0 else { return nil }
        let pitch = CellSize(
            columns: layout.slotSize.columns + GridLayout.gutter, rows: layout.slotSize.rows + GridLayout.gutter)
        let slot = (position.row / pitch.rows + firstVisibleSlotRow) * layout.columns + position.column / pitch.columns
        guard position.column / pitch.columns < layout.columns,
            let rect = layout.slotRect(slot, firstVisibleSlotRow: firstVisibleSlotRow), rect.contains(position)
        else { return nil }
        return slot
    }

    /// The grid row to put at the top of the screen so the highlight is visible, scrolling as little as
    /// possible from `current`.
    public func firstVisibleSlotRow(from current: Int) -> Int {
        guard let slot, layout.columns > 0 else { return current }
        let row = slot / layout.columns
        if row < current { return row }
        if row >= current + layout.visibleSlotRows { return row - layout.visibleSlotRows + 1 }
        return current
    }
}
