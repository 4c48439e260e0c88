import Render
import Testing

@testable import Browse

/// Where each key takes the highlight on grids of known shape.
@Suite struct SheetSelectionTests {
    /// 10 slots in 4 columns on a wide, tall screen: rows of 4, 4 and 2.
    let grid = GridLayout(terminal: CellSize(columns: 120, rows: 60), slotCount: 10)

    func selection(shown: Int, at slot: Int = 0) -> SheetSelection {
        var selection = SheetSelection(layout: grid)
        selection.show(count: shown)
        for _ in 0..<slot { selection.apply(.next) }
        return selection
    }

    @Test func layoutUnderTestHasFourColumnsAndThreeRows() {
        #expect(grid.columns == 4)
        #expect(grid.slotRows == 3)
        #expect(!grid.scrolls)
    }

    @Test func nothingIsHighlightedUntilAnImageIsShown() {
        var selection = SheetSelection(layout: grid)
        #expect(selection.slot == nil)
        #expect(selection.path([.right]) == [nil])
        selection.show(count: 1)
        #expect(selection.slot == 0)
    }

    @Test func arrowsStayInsideTheRowAndOnShownSlots() {
        // Slot 6 is still waiting; left does not wrap to the previous row.
        #expect(
            selection(shown: 6, at: 1).path([.left, .left, .down, .right, .right, .up, .up])
                == [0, nil, 4, 5, nil, 1, nil])
    }

    @Test func downIntoAShorterRowLandsOnItsLastShownSlot() {
        #expect(selection(shown: 10, at: 7).path([.down]) == [9])
        #expect(selection(shown: 5, at: 3).path([.down]) == [4])
    }

    @Test func homeAndEndGoToTheEndsOfTheRow() {
        #expect(selection(shown: 7, at: 5).path([.rowEnd, .rowStart, .rowStart]) == [6, 4, nil])
    }

    @Test func nextAndPreviousCrossRowsButNotTheEnds() {
        #expect(selection(shown: 5, at: 3).path([.next, .next, .previous]) == [4, nil, 3])
        #expect(selection(shown: 5, at: 0).path([.previous]) == [nil])
    }

    @Test func pagesGoToTheTopAndBottomRowsWhenTheSheetFits() {
        #expect(selection(shown: 10, at: 5).path([.pageDown, .pageUp]) == [9, 1])
    }

    @Test func pagesMoveByTheVisibleRowsWhenTheSheetScrolls() {
        let tall = GridLayout(terminal: CellSize(columns: 40, rows: 24), slotCount: 60)
        #expect(tall.scrolls)
        var selection = SheetSelection(layout: tall)
        selection.show(count: 60)
        let page = tall.visibleSlotRows * tall.columns
        #expect(selection.path([.pageDown, .pageUp]) == [page, 0])
        selection.apply(.pageDown)
        #expect(selection.firstVisibleSlotRow(from: 0) == 1, "the window follows the highlight by as little as it can")
        #expect(selection.firstVisibleSlotRow(from: 5) == tall.visibleSlotRows)
    }

    @Test func clickSelectsTheShownSlotUnderTheMouse() {
        let selection = selection(shown: 6)
        let rect = grid.slotRect(5)!
        let inCaption = CellPosition(row: rect.endRow - 1, column: rect.origin.column + 1)
        let gutter = CellPosition(row: rect.origin.row, column: rect.origin.column - 1)
        let waiting = grid.slotRect(8)!.origin
        let progress = CellPosition(row: 59, column: 0)
        #expect(
            selection.path([.click(inCaption), .click(gutter), .click(waiting), .click(progress)]) == [
                5, nil, nil, nil,
            ])
    }

    @Test func clickAccountsForTheScrolledWindow() {
        let tall = GridLayout(terminal: CellSize(columns: 40, rows: 24), slotCount: 60)
        var selection = SheetSelection(layout: tall)
        selection.show(count: 60)
        let moved = selection.apply(.click(tall.slotRect(0)!.origin), firstVisibleSlotRow: 2)
        #expect(moved)
        #expect(selection.slot == 2 * tall.columns)
    }

    @Test func highlightKeepsItsSlotAcrossARelayout() {
        var selection = selection(shown: 8, at: 6)
        selection.relayout(grid.resized(to: CellSize(columns: 60, rows: 60)))
        #expect(selection.slot == 6)
        #expect(selection.path([.up]) == [6 - selection.layout.columns])
    }
}

extension SheetSelection {
    /// The slot after each move, applied in turn to a copy; nil where the highlight stayed.
    func path(_ moves: [Move]) -> [Int?] {
        var copy = self
        return moves.map { copy.apply($0) ? copy.slot : nil }
    }
}
