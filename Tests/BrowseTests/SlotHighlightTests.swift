import Imaging
import Render
import Testing

@testable import Browse

/// The highlight as it lands on a screen: reverse-video caption, a frame in the gutters, and nothing else touched.
@Suite struct SlotHighlightTests {
    let grid = GridLayout(terminal: CellSize(columns: 120, rows: 60), slotCount: 10)
    let caption = Caption(title: "( 6)  14_739_448 bytes", name: "harbour.jpg")

    func screen(_ frame: [UInt8]) -> ScreenModel { ScreenModel(grid.terminal, frame) }

    @Test(arguments: [TextStyle.styled, .plain])
    func captionIsReverseVideoInEveryTextStyle(_ style: TextStyle) {
        let highlight = SlotHighlight(layout: grid, textStyle: style)
        let model = screen(highlight.draw(slot: 5, caption: caption, highlighted: true))
        let rect = grid.captionRect(5)!
        #expect(model.rows[rect.origin.row].contains("( 6)"))
        #expect(model.rows[rect.origin.row + 1].contains("harbour.jpg"))
        for line in 0..<2 {
            for column in rect.origin.column..<rect.endColumn {
                #expect(model.inverse[rect.origin.row + line][column])
            }
        }
    }

    @Test func frameSitsInTheGuttersAroundTheSlot() {
        let rect = grid.slotRect(5)!  // second row, second column: gutters on every side
        let model = screen(SlotHighlight(layout: grid).draw(slot: 5, caption: caption, highlighted: true))
        #expect(model[rect.origin.row - 1, rect.origin.column - 1] == "┏")
        #expect(model[rect.origin.row - 1, rect.endColumn] == "┓")
        #expect(model[rect.endRow, rect.origin.column - 1] == "┗")
        #expect(model[rect.endRow, rect.endColumn] == "┛")
        #expect(model[rect.origin.row - 1, rect.origin.column + 3] == "━")
        #expect(model[rect.origin.row + 2, rect.origin.column - 1] == "┃")
        #expect(model[rect.origin.row + 2, rect.endColumn] == "┃")
        #expect(model[rect.origin.row + 2, rect.origin.column + 2] == " ", "the thumbnail is not drawn over")
    }

    @Test func edgeSlotDrawsOnlyTheSidesOnScreen() {
        let frame = SlotHighlight(layout: grid, glyphs: .ascii).draw(slot: 0, caption: caption, highlighted: true)
        let rect = grid.slotRect(0)!
        let model = screen(frame)
        #expect(rect.origin == CellPosition(row: 0, column: 0))
        #expect(model[rect.endRow, rect.endColumn] == "+")
        #expect(model[rect.origin.row + 1, rect.endColumn] == "|")
        let text = String(decoding: frame, as: UTF8.self)
        #expect(!text.contains("\u{1B}[0;") && !text.contains(";0H"), "no cursor movement off the screen")
    }

    @Test func movingTakesTheOldHighlightOffFirst() {
        let highlight = SlotHighlight(layout: grid)
        let captions = { (slot: Int) -> Caption? in Caption(title: "(\(slot + 1))", name: "n\(slot).jpg") }
        let first = highlight.moving(from: nil, to: 5, captions: captions)
        let second = highlight.moving(from: 5, to: 6, captions: captions)
        let model = screen(first + second)
        let old = grid.slotRect(5)!
        let new = grid.slotRect(6)!
        #expect(model[old.origin.row - 1, old.origin.column - 1] == " ")
        #expect(model[old.origin.row + 1, old.origin.column - 1] == " ")
        #expect(!model.inverse[grid.captionRect(5)!.origin.row][old.origin.column])
        #expect(model.rows[grid.captionRect(5)!.origin.row].contains("(6)"), "the old caption is drawn again, plain")
        #expect(model[new.origin.row - 1, new.origin.column - 1] == "┏", "the shared gutter holds the new frame")
        #expect(model.inverse[grid.captionRect(6)!.origin.row][new.origin.column])
    }

    @Test func scrolledOffSlotDrawsNothing() {
        let tall = GridLayout(terminal: CellSize(columns: 40, rows: 24), slotCount: 60)
        #expect(
            SlotHighlight(layout: tall, firstVisibleSlotRow: 3).draw(slot: 0, caption: caption, highlighted: true)
                .isEmpty)
    }
}

@Suite struct EnlargedLayoutTests {
    @Test func halfBlocksUseTheWholeWindowButTheStatusLine() {
        let layout = EnlargedLayout(window: CellSize(columns: 160, rows: 50))
        let encoder = HalfBlockEncoder()
        #expect(layout.pixelBox(for: encoder) == PixelSize(width: 160, height: 98))
        #expect(layout.statusRow == 49)
        let fitted = EnlargedLayout.fit(PixelSize(width: 5184, height: 3456), in: layout.pixelBox(for: encoder))
        #expect(fitted == PixelSize(width: 147, height: 98))
        let placed = layout.placement(of: fitted, encoder: encoder)
        #expect(placed.size == CellSize(columns: 147, rows: 49))
        #expect(placed.origin == CellPosition(row: 0, column: 6), "centred")
    }

    @Test func pixelProtocolsKeepTheImageShapeWithTallCells() {
        let layout = EnlargedLayout(window: CellSize(columns: 100, rows: 31))
        let encoder = KittyEncoder(cellPixels: CellPixels(width: 10, height: 20))
        let box = layout.pixelBox(for: encoder)
        #expect(box == PixelSize(width: 1000, height: 600))
        let fitted = EnlargedLayout.fit(PixelSize(width: 4000, height: 4000), in: box)
        #expect(fitted == PixelSize(width: 600, height: 600))
        let placed = layout.placement(of: fitted, encoder: encoder)
        #expect(
            placed.size == CellSize(columns: 60, rows: 30), "a square in pixels covers twice as many columns as rows")
        #expect(placed.origin.column == 20)
    }

    @Test func smallImagesGrowAndDegenerateSizesGiveNothing() {
        #expect(
            EnlargedLayout.fit(PixelSize(width: 30, height: 10), in: PixelSize(width: 300, height: 300)).width == 300)
        #expect(EnlargedLayout.fit(PixelSize(width: 0, height: 10), in: PixelSize(width: 300, height: 300)).width == 0)
        #expect(EnlargedLayout.fit(PixelSize(width: 10, height: 10), in: PixelSize(width: 0, height: 300)).width == 0)
        #expect(
            EnlargedLayout.fit(PixelSize(width: 100_000, height: 1), in: PixelSize(width: 80, height: 40)).height == 1)
    }
}

@Suite struct ImageFactsTests {
    let facts = ImageFacts(
        url: "http://127.0.0.1:8081/photos/2024/harbour-at-dawn.jpg", bytes: 14_739_448,
        pixelSize: PixelSize(width: 5184, height: 3456), format: "JPEG", downloadTime: .milliseconds(2413),
        savedPath: "out/harbour-at-dawn.jpg")

    @Test func wideLineHoldsEveryFact() {
        #expect(
            facts.line(width: 200)
                == "http://127.0.0.1:8081/photos/2024/harbour-at-dawn.jpg · 14_739_448 bytes · 5184×3456 · JPEG"
                + " · 2.41 s · saved out/harbour-at-dawn.jpg")
    }

    @Test func urlGivesWayFirstThenTheLineIsCut() {
        for width in [0, 1, 20, 60, 90, 110, 119] {
            #expect(DisplayWidth.of(facts.line(width: width)) <= width, "\(width)")
        }
        let medium = facts.line(width: 110)
        #expect(medium.hasPrefix("http://"))
        #expect(medium.contains("…"))
        #expect(medium.hasSuffix("saved out/harbour-at-dawn.jpg"))
        #expect(facts.line(width: 40).hasPrefix("14_739_448 bytes"))
    }

    @Test func missingFactsAndControlCharacters() {
        let bare = ImageFacts(url: "http://h/a\u{1B}[2J.jpg", bytes: 999)
        let line = bare.line(width: 80)
        #expect(!line.contains("\u{1B}"))
        #expect(line.hasSuffix("999 bytes · not saved"))
        // The download time reads as the report's `in 0.85 s`.
        let quick = ImageFacts(url: "http://h/b.jpg", bytes: 999, downloadTime: .milliseconds(850))
        #expect(quick.details == ["999 bytes", "0.85 s", "not saved"])
    }

    @Test func frameNeverWritesTheLastColumn() {
        let model = ScreenModel(CellSize(columns: 50, rows: 3), facts.frame(row: 2, width: 50))
        #expect(model[2, 49] == " ")
        #expect(model.rows[2].hasPrefix("14_739_448"))
    }
}
