import Imaging
import Render
import Testing

struct GridLayoutTests {
    static func layout(_ columns: Int, _ rows: Int, slots: Int) -> GridLayout {
        GridLayout(terminal: CellSize(columns: columns, rows: rows), slotCount: slots)
    }

    @Test func tenSlotsOnAWideTerminalAreFiveByTwo() {
        let layout = Self.layout(160, 50, slots: 10)
        #expect(layout.columns == 5)
        #expect(layout.slotRows == 2)
        #expect(!layout.scrolls)
        #expect(layout.thumbnailSize == CellSize(columns: 31, rows: 11))
        #expect(layout.pixelBox == PixelSize(width: 31, height: 22))
        #expect(layout.slotRect(0) == CellRect(row: 0, column: 0, columns: 31, rows: 13))
        #expect(layout.slotRect(6) == CellRect(row: 14, column: 32, columns: 31, rows: 13))
        #expect(layout.captionRect(6) == CellRect(row: 25, column: 32, columns: 31, rows: 2))
    }

    @Test func tenSlotsOnEightyByTwentyFourStillShowEverySlot() {
        let layout = Self.layout(80, 24, slots: 10)
        #expect(layout.columns == 5)
        #expect(layout.slotRows == 2)
        #expect(!layout.scrolls)
        #expect(layout.thumbnailSize == CellSize(columns: 15, rows: 5))
        #expect(layout.progressArea.size.rows >= 3)
    }

    @Test func oneSlotTakesTheWholeWidthAndKeepsRoomForProgress() {
        let layout = Self.layout(80, 24, slots: 1)
        #expect(layout.columns == 1)
        #expect(layout.thumbnailSize == CellSize(columns: 80, rows: 19))
        #expect(layout.progressArea.origin.row == 22)
        #expect(layout.progressArea.size.rows == 2)
    }

    @Test func sixtyFourSlotsOnALargeTerminal() {
        let layout = Self.layout(200, 60, slots: 64)
        #expect(layout.columns == 13)
        #expect(layout.slotRows == 5)
        #expect(!layout.scrolls)
        #expect(layout.thumbnailSize == CellSize(columns: 14, rows: 5))
    }

    @Test func tooManySlotsScrollOlderRowsOffInsteadOfShrinkingToNothing() {
        let layout = Self.layout(80, 24, slots: 64)
        #expect(layout.scrolls)
        #expect(layout.columns == 6)
        #expect(layout.visibleSlotRows == 2)
        #expect(layout.thumbnailSize.columns >= GridLayout.minimumThumbnail.columns)
        // Slot 30 is on grid row 5: rows 4 and 5 are shown, so slot 0 is off screen and slot 24 is on top.
        let first = layout.firstVisibleSlotRow(showingSlot: 30)
        #expect(first == 4)
        #expect(layout.slotRect(0, firstVisibleSlotRow: first) == nil)
        #expect(layout.slotRect(24, firstVisibleSlotRow: first)?.origin == CellPosition(row: 0, column: 0))
    }

    @Test func narrowTerminalsGetFewerColumns() {
        #expect(Self.layout(40, 30, slots: 10).columns < Self.layout(160, 50, slots: 10).columns)
    }

    @Test func aTerminalTooSmallForAnyThumbnailGetsNoGrid() {
        let layout = Self.layout(10, 3, slots: 10)
        #expect(layout.visibleSlotRows == 0)
        #expect(layout.slotRect(0) == nil)
        #expect(layout.progressArea == CellRect(row: 0, column: 0, columns: 10, rows: 3))
    }

    @Test func zeroSlotsIsAnEmptyGrid() {
        let layout = Self.layout(80, 24, slots: 0)
        #expect(layout.columns == 0)
        #expect(layout.gridHeight == 0)
    }

    @Test(arguments: [
        CellSize(columns: 160, rows: 50), CellSize(columns: 80, rows: 24), CellSize(columns: 200, rows: 60),
        CellSize(columns: 40, rows: 12), CellSize(columns: 20, rows: 8), CellSize(columns: 300, rows: 80),
        CellSize(columns: 6, rows: 100),
    ])
    func visibleSlotsStayOnScreenAndNeverOverlap(terminal: CellSize) {
        for slots in [1, 2, 3, 7, 10, 20, 64, 200] {
            let layout = GridLayout(terminal: terminal, slotCount: slots)
            let screen = CellRect(origin: CellPosition(row: 0, column: 0), size: terminal)
            for newest in 0..<slots {
                let first = layout.firstVisibleSlotRow(showingSlot: newest)
                let rects = (0..<slots).compactMap { layout.slotRect($0, firstVisibleSlotRow: first) }
                if layout.visibleSlotRows > 0 {
                    #expect(layout.slotRect(newest, firstVisibleSlotRow: first) != nil)
                }
                for (i, rect) in rects.enumerated() {
                    #expect(rect.origin.row >= 0 && rect.origin.column >= 0)
                    #expect(rect.endRow <= layout.gridHeight && rect.endColumn <= screen.endColumn)
                    for other in rects[(i + 1)...] {
                        let apart =
                            rect.endRow <= other.origin.row || other.endRow <= rect.origin.row
                            || rect.endColumn <= other.origin.column || other.endColumn <= rect.origin.column
                        #expect(apart)
                    }
                }
            }
            #expect(layout.progressArea.origin.row >= layout.gridHeight)
            #expect(layout.progressArea.endRow == terminal.rows)
        }
    }
}
