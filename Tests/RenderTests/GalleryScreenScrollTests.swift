import Imaging
import Render
import Testing

/// The grid's window moved by hand while browsing, and the browse status line.
struct GalleryScreenScrollTests {
    static let size = CellSize(columns: 80, rows: 24)

    static func filled(_ count: Int, followingNewest: Bool) -> (GalleryScreen, VirtualTerminal) {
        var screen = GalleryScreen(layout: GridLayout(terminal: size, slotCount: 64))
        screen.followsNewest = followingNewest
        var terminal = VirtualTerminal(size)
        terminal.feed(screen.begin())
        for slot in 0..<count {
            terminal.feed(
                screen.fill(
                    slot: slot, pixels: GalleryScreenTests.thumbnail(for: screen),
                    caption: GalleryScreenTests.caption(slot + 1)))
        }
        return (screen, terminal)
    }

    @Test func whileBrowsingAFillBelowTheWindowDoesNotScroll() {
        let (screen, terminal) = Self.filled(31, followingNewest: false)
        #expect(screen.firstVisibleSlotRow == 0)
        let topCaption = screen.layout.captionRect(0, firstVisibleSlotRow: 0)
        #expect(topCaption.map { terminal.lines[$0.origin.row].hasPrefix("( 1)") } == true)
    }

    @Test func scrollRedrawsTheGridAndClearsTheRowUnderIt() throws {
        var (screen, terminal) = Self.filled(31, followingNewest: false)
        let separator = screen.layout.gridHeight
        terminal.feed(Array("FRAME-LEFTOVER".utf8).withCursor(at: CellPosition(row: separator, column: 0)))
        terminal.feed(screen.scroll(to: 3))
        #expect(screen.firstVisibleSlotRow == 3)
        let topCaption = try #require(screen.layout.captionRect(18, firstVisibleSlotRow: 3))
        #expect(terminal.lines[topCaption.origin.row].hasPrefix("(19)"), "\(terminal.lines)")
        #expect(!terminal.lines[separator].contains("FRAME-LEFTOVER"))
        terminal.feed(screen.scroll(to: 1000))
        #expect(screen.firstVisibleSlotRow == screen.lastFirstVisibleSlotRow, "clamped to the last row")
    }

    @Test func theStatusLineSitsAboveTheSummaryUntilReplaced() throws {
        var (screen, terminal) = Self.filled(2, followingNewest: false)
        terminal.feed(screen.status("saved ./a.jpg"))
        #expect(terminal.lines.contains { $0.hasPrefix("saved ./a.jpg") })
        terminal.feed(screen.status(nil))
        #expect(!terminal.lines.contains { $0.contains("saved ./a.jpg") })
    }
}

extension [UInt8] {
    /// These bytes written at `position`.
    fileprivate func withCursor(at position: CellPosition) -> [UInt8] {
        var frame: [UInt8] = []
        frame.append(.cursorPosition(position))
        return frame + self
    }
}
