import Imaging
import Render
import Testing

struct GalleryScreenTests {
    static let wide = CellSize(columns: 160, rows: 50)

    static func thumbnail(for screen: GalleryScreen, colour: RGB = RGB(200, 120, 40)) -> Pixels {
        let box = screen.pixelBox
        return Pixels(width: box.width, height: box.height * 2 / 3, filledWith: colour)
    }

    static func caption(_ index: Int) -> Caption {
        Caption(title: "(\(index < 10 ? " " : "")\(index))  14_739_448 bytes", name: "Photo_%28\(index)%29.jpg")
    }

    /// Every `CSI row;col H` in a frame, as zero-based positions.
    static func cursorPositions(in frame: [UInt8]) -> [CellPosition] {
        let text = String(decoding: frame, as: UTF8.self)
        var positions: [CellPosition] = []
        for match in text.matches(of: /\u{1B}\[(\d+);(\d+)H/) {
            if let row = Int(match.1), let column = Int(match.2) {
                positions.append(CellPosition(row: row - 1, column: column - 1))
            }
        }
        return positions
    }

    @Test func beginDrawsEverySlotAsANumberedPlaceholder() {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        var terminal = VirtualTerminal(Self.wide)
        terminal.feed(screen.begin())
        #expect(terminal.offscreenWrites == 0)
        #expect(terminal.unknownSequences.isEmpty)
        for slot in 0..<10 {
            guard let caption = screen.layout.captionRect(slot) else {
                Issue.record("slot \(slot) has no caption rectangle")
                continue
            }
            let line = terminal.lines[caption.origin.row]
            let label = slot < 9 ? "( \(slot + 1))" : "(\(slot + 1))"
            #expect(line.contains(label))
        }
        #expect(terminal.lines[0].hasPrefix("┌"))
    }

    @Test(arguments: [0, 3, 7, 9])
    func fillingASlotWritesOnlyInsideItsRectangle(slot: Int) throws {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        var terminal = VirtualTerminal(Self.wide)
        terminal.feed(screen.begin())
        terminal.resetTouched()

        let frame = screen.fill(slot: slot, pixels: Self.thumbnail(for: screen), caption: Self.caption(slot + 1))
        let rect = try #require(screen.layout.slotRect(slot))
        let positions = Self.cursorPositions(in: frame)
        #expect(!positions.isEmpty)
        #expect(positions.allSatisfy { rect.contains($0) })

        terminal.feed(frame)
        #expect(!terminal.touched.isEmpty)
        #expect(terminal.touched.allSatisfy { rect.contains($0) })
        #expect(terminal.offscreenWrites == 0)
        let captionRow = try #require(screen.layout.captionRect(slot)).origin.row
        #expect(terminal.lines[captionRow].contains("14_739_448 bytes"))
        #expect(terminal.lines[captionRow + 1].contains("Photo_(\(slot + 1)).jpg"))
    }

    @Test func anOversizedImageIsShrunkToItsSlotInsteadOfSpillingOver() throws {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        var terminal = VirtualTerminal(Self.wide)
        terminal.feed(screen.begin())
        terminal.resetTouched()
        terminal.feed(
            screen.fill(
                slot: 2, pixels: Pixels(width: 300, height: 200, filledWith: RGB(1, 2, 3)), caption: Self.caption(3)))
        let rect = try #require(screen.layout.slotRect(2))
        #expect(terminal.touched.allSatisfy { rect.contains($0) })
    }

    @Test func aSlotOutsideTheSheetDrawsNothing() {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        _ = screen.begin()
        #expect(screen.fill(slot: 10, pixels: Self.thumbnail(for: screen), caption: Self.caption(11)).isEmpty)
        #expect(screen.fill(slot: -1, pixels: Self.thumbnail(for: screen), caption: Self.caption(0)).isEmpty)
    }

    @Test func progressRedrawsOnlyTheLinesThatChanged() throws {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        var terminal = VirtualTerminal(Self.wide)
        terminal.feed(screen.begin())
        let summary = ProgressSummary(
            done: 0, failed: 0, active: 2, total: 10, bytes: 3_000_000, bytesPerSecond: 1e6, elapsed: .seconds(3))
        var lines = [
            ProgressLine(name: "a.jpg", received: 1_000_000, total: 15_000_000, bytesPerSecond: 500_000),
            ProgressLine(name: "b.jpg", received: 2_000_000, total: 15_000_000, bytesPerSecond: 500_000),
        ]
        terminal.feed(screen.progress(lines: lines, summary: summary))
        let area = screen.layout.progressArea
        #expect(terminal.lines[area.origin.row].hasPrefix("a.jpg"))
        #expect(terminal.lines[area.origin.row + 2].hasPrefix("0 of 10 shown"))

        #expect(screen.progress(lines: lines, summary: summary).isEmpty)

        lines[1].received = 4_000_000
        terminal.resetTouched()
        terminal.feed(screen.progress(lines: lines, summary: summary))
        #expect(Set(terminal.touched.map(\.row)) == [area.origin.row + 1])
    }

    @Test func failuresAreListedUnderTheGridAndPrintHarmlessly() {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        var terminal = VirtualTerminal(Self.wide)
        terminal.feed(screen.begin())
        terminal.resetTouched()
        let frame = screen.fail(name: "%1B%5B2Jevil%1B%5D0;owned%07.jpg", reason: "HTTP 404\u{1B}[2J\u{7}")
        let text = String(decoding: frame, as: UTF8.self)
        #expect(!text.contains("\u{1B}[2J"))
        #expect(!text.contains("\u{1B}]"))
        #expect(!text.contains("\u{7}"))
        terminal.feed(frame)
        #expect(terminal.lines[screen.layout.progressArea.origin.row] == "✗ evil.jpg: HTTP 404")
        #expect(terminal.touched.allSatisfy { screen.layout.progressArea.contains($0) })
    }

    @Test func finishDashesEmptySlotsAndLeavesTheCursorBelowEverything() throws {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        var terminal = VirtualTerminal(Self.wide)
        terminal.feed(screen.begin())
        for slot in 0..<8 {
            terminal.feed(screen.fill(slot: slot, pixels: Self.thumbnail(for: screen), caption: Self.caption(slot + 1)))
        }
        terminal.feed(screen.fail(name: "gone.jpg", reason: "HTTP 404"))
        terminal.feed(screen.fail(name: "png.jpg", reason: "not a JPEG"))
        let summary = ProgressSummary(
            done: 8, failed: 2, active: 0, total: 10, bytes: 120_000_000, bytesPerSecond: 3e7, elapsed: .seconds(4))
        terminal.feed(screen.progress(lines: [], summary: summary))
        terminal.feed(screen.finish())

        #expect(screen.sheet.slots[8] == .empty)
        let emptyThumbnail = try #require(screen.layout.thumbnailRect(9))
        #expect(terminal.lines[emptyThumbnail.origin.row + emptyThumbnail.size.rows / 2].contains("–"))
        let area = screen.layout.progressArea
        #expect(terminal.lines[area.origin.row] == "✗ gone.jpg: HTTP 404")
        #expect(terminal.lines[area.origin.row + 1] == "✗ png.jpg: not a JPEG")
        #expect(terminal.lines[area.origin.row + 2].hasPrefix("8 of 10 shown · 2 failed"))
        #expect(terminal.cursor == CellPosition(row: area.origin.row + 3, column: 0))
    }

    @Test func aGridTooTallForTheScreenScrollsOlderRowsOff() throws {
        let size = CellSize(columns: 80, rows: 24)
        var screen = GalleryScreen(layout: GridLayout(terminal: size, slotCount: 64))
        #expect(screen.layout.scrolls)
        var terminal = VirtualTerminal(size)
        terminal.feed(screen.begin())
        terminal.resetTouched()
        for slot in 0...30 {
            terminal.feed(screen.fill(slot: slot, pixels: Self.thumbnail(for: screen), caption: Self.caption(slot + 1)))
            #expect(terminal.offscreenWrites == 0)
        }
        #expect(screen.firstVisibleSlotRow == 4)
        let topCaption = try #require(screen.layout.captionRect(24, firstVisibleSlotRow: 4))
        #expect(terminal.lines[topCaption.origin.row].hasPrefix("(25)"))
        #expect(terminal.touched.allSatisfy { $0.row < screen.layout.gridHeight })
    }

    @Test func relayoutRedrawsEverythingForTheNewSize() {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 10))
        _ = screen.begin()
        for slot in 0..<4 {
            _ = screen.fill(slot: slot, pixels: Self.thumbnail(for: screen), caption: Self.caption(slot + 1))
        }
        let smaller = CellSize(columns: 80, rows: 24)
        var terminal = VirtualTerminal(smaller)
        terminal.feed(screen.relayout(to: smaller))
        #expect(screen.layout.terminal == smaller)
        #expect(terminal.offscreenWrites == 0)
        #expect(terminal.unknownSequences.isEmpty)
        #expect(terminal.lines.joined().contains("( 4) 14_739_448"))
    }

    @Test func plainTextStyleEmitsNoAttributesOutsideImages() {
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 3), textStyle: .plain)
        let text = String(decoding: screen.begin(), as: UTF8.self)
        #expect(!text.contains("\u{1B}[2m"))
        #expect(!text.contains("\u{1B}[1m"))
    }

    /// After a font change the new encoder draws, at its cell size; the old one erases the images it drew.
    @Test func aRelayoutWithANewEncoderErasesWithTheOldAndDrawsWithTheNew() {
        let before = KittyEncoder(cellPixels: CellPixels(width: 8, height: 16), imageIDBase: 100)
        let after = KittyEncoder(cellPixels: CellPixels(width: 16, height: 32), imageIDBase: 100)
        var screen = GalleryScreen(layout: GridLayout(terminal: Self.wide, slotCount: 4), encoder: before)
        let box = screen.pixelBox
        _ = screen.begin()
        _ = screen.fill(slot: 0, pixels: Self.thumbnail(for: screen), caption: Self.caption(1))
        let frame = screen.relayout(to: Self.wide, encoder: after)
        #expect(frame.starts(with: before.eraseAll(slotCount: 4)))
        #expect(screen.pixelBox == PixelSize(width: box.width * 2, height: box.height * 2))
    }
}
