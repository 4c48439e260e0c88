import Imaging
import Render
import Testing

@testable import Browse

/// The rules of the keys, from key to action, on a 10-slot sheet of 4 columns.
@Suite struct BrowseSessionTests {
    let grid = GridLayout(terminal: CellSize(columns: 120, rows: 60), slotCount: 10)

    func session(shown: Int) -> BrowseSession {
        var session = BrowseSession(layout: grid)
        _ = session.shown(count: shown)
        return session
    }

    @Test func firstImageBringsTheHighlightAndKeysWaitForIt() {
        var session = BrowseSession(layout: grid)
        #expect(session.handle(.right).isEmpty)
        #expect(session.handle(.enter).isEmpty)
        #expect(session.shown(count: 1) == [.highlight(from: nil, to: 0)])
        #expect(session.shown(count: 2).isEmpty, "already highlighted")
    }

    @Test func movingOnTheSheetRedrawsTheHighlight() {
        var session = session(shown: 6)
        #expect(session.handle(.character("l")) == [.highlight(from: 0, to: 1)])
        #expect(session.handle(.down) == [.highlight(from: 1, to: 5)])
        #expect(session.handle(.down).isEmpty, "slot 9 is not shown")
    }

    @Test func movingPastTheWindowScrollsFirst() {
        let tall = GridLayout(terminal: CellSize(columns: 40, rows: 24), slotCount: 60)
        var session = BrowseSession(layout: tall)
        _ = session.shown(count: 60)
        let page = tall.visibleSlotRows * tall.columns
        #expect(session.handle(.pageDown) == [.scroll(firstVisibleSlotRow: 1), .highlight(from: nil, to: page)])
    }

    @Test func enlargeStepAndComeBack() {
        var session = session(shown: 6)
        _ = session.handle(.right)
        #expect(session.handle(.space) == [.enlarge(slot: 1, facts: false)])
        #expect(session.handle(.character("n")) == [.enlarge(slot: 2, facts: false)])
        #expect(session.handle(.character("i")) == [.enlarge(slot: 2, facts: true)])
        #expect(session.handle(.left) == [.enlarge(slot: 1, facts: true)], "the facts line stays on")
        #expect(session.handle(.character("p")) == [.enlarge(slot: 0, facts: true)])
        #expect(session.handle(.character("p")).isEmpty, "no image before the first")
        #expect(session.handle(.escape) == [.returnToSheet(slot: 0)])
        #expect(session.place == .sheet)
        #expect(session.selection.slot == 0, "the sheet shows the highlight on the image last looked at")
    }

    @Test func qGoesBackFromTheImageAndEndsTheRunFromTheSheet() {
        var session = session(shown: 3)
        _ = session.handle(.enter)
        #expect(session.handle(.character("q")) == [.returnToSheet(slot: 0)])
        #expect(session.handle(.escape).isEmpty, "Esc on the sheet does nothing")
        #expect(session.handle(.character("q")) == [.quit])
    }

    @Test func saveAndFetchAgainActOnTheImageInView() {
        var session = session(shown: 4)
        _ = session.handle(.right)
        #expect(session.handle(.character("s")) == [.save(slot: 1)])
        _ = session.handle(.character("i"))
        #expect(session.place == .enlarged(slot: 1, facts: true), "i on the sheet opens the image with its facts")
        #expect(session.handle(.character("r")) == [.refetch(slot: 1)])
        #expect(session.handle(.character("s")) == [.save(slot: 1)])
    }

    @Test func helpComesAndGoesOnAnyKeyWithoutActing() {
        var session = session(shown: 4)
        _ = session.handle(.enter)
        #expect(session.handle(.character("?")) == [.showHelp])
        #expect(session.handle(.character("q")) == [.hideHelp(.enlarged(slot: 0, facts: false))], "q closes help only")
        _ = session.handle(.escape)
        #expect(session.handle(.character("?")) == [.showHelp])
        #expect(session.handle(.character("x")) == [.hideHelp(.sheet)])
        #expect(session.place == .sheet)
    }

    @Test func clickMovesTheHighlightOnlyOnTheSheet() {
        var session = session(shown: 6)
        let target = grid.slotRect(4)!.origin
        #expect(session.handle(.click(target)) == [.highlight(from: 0, to: 4)])
        _ = session.handle(.enter)
        #expect(session.handle(.click(grid.slotRect(0)!.origin)).isEmpty)
    }
}

@Suite struct EnlargedViewTests {
    @Test func imageIsCentredOnTheAlternateScreenWithTheStatusBelow() {
        let layout = EnlargedLayout(window: CellSize(columns: 40, rows: 12))
        let encoder = HalfBlockEncoder()
        let pixels = Pixels(width: 20, height: 22, filledWith: RGB(200, 10, 10))
        let frame = EnlargedView.frame(
            pixels, layout: layout, encoder: encoder, status: "harbour.jpg\u{1B}[2J · 1_000 bytes", imageSlot: 10,
            entering: true)
        let text = String(decoding: frame, as: UTF8.self)
        #expect(text.hasPrefix("\u{1B}[?1049h"))
        let model = ScreenModel(layout.window, frame)
        #expect(model.rows[11].hasPrefix("harbour.jpg · 1_000 bytes"), "the escape sequence in the name is removed")
        let placement = layout.placement(of: PixelSize(width: 20, height: 22), encoder: encoder)
        #expect(placement == CellRect(row: 0, column: 10, columns: 20, rows: 11))
        #expect(model[0, 9] == " " && model[10, 30] == " ", "nothing drawn beside the image")
        #expect(text.contains("\u{1B}[1;11H"), "the image starts at its centred cell")
    }

    @Test func oversizedPixelsAreNotDrawnAndLeavingRestoresTheMainScreen() {
        let layout = EnlargedLayout(window: CellSize(columns: 10, rows: 5))
        let encoder = HalfBlockEncoder()
        let frame = EnlargedView.frame(
            Pixels(width: 11, height: 4, filledWith: RGB(1, 2, 3)), layout: layout, encoder: encoder, status: "x",
            imageSlot: 0, entering: false)
        #expect(!String(decoding: frame, as: UTF8.self).contains("▀"))
        #expect(EnlargedView.leaving(encoder: encoder, imageSlot: 0).suffix(8) == Escape.alternateScreenOff.bytes[...])
    }
}
