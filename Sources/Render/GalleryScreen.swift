public import Imaging

/// The live contact sheet: keeps the `ContactSheet` model and turns each change into the bytes of one frame.
///
/// Every method returns a whole frame for `Terminal.draw(_:)` and draws only what changed: `fill` touches
/// only the filled slot's rectangle, `progress` only the progress-area lines whose text changed. The screen
/// never writes anything itself, so it is a plain value the pipeline can own in one task, and every frame
/// can be checked byte for byte in tests.
///
/// The grid starts at the top of the screen; `begin()` first scrolls whatever was on screen into the
/// scrollback instead of erasing it, so the user's earlier output survives.
public struct GalleryScreen: Sendable {
    public private(set) var layout: GridLayout
    public private(set) var sheet: ContactSheet
    public private(set) var encoder: any CellEncoder
    public let textStyle: TextStyle
    let resize: ThumbnailFit.Resize

    /// The grid row at the top of the screen; above 0 only when the layout scrolls.
    public internal(set) var firstVisibleSlotRow = 0
    /// Whether a fill below the window scrolls the grid to it. Off while the user browses: the window then
    /// stays where the highlight put it (`scroll(to:)`).
    public var followsNewest = true
    /// A line of the user's own (a save's result while browsing), shown above the aggregate line until replaced.
    public var statusText: String?
    /// What the progress area shows now, kept so a redraw can repeat it and a diff can skip equal lines.
    var activeProgress: [ProgressLine] = []
    var summary: ProgressSummary?
    var finished = false
    /// The bytes last drawn on each progress-area row; nil means unknown, so the row is drawn next time.
    var drawnProgressRows: [[UInt8]?]

    /// - Parameters:
    ///   - layout: where the slots go; its `slotCount` is the number of slots.
    ///   - encoder: turns thumbnails into bytes; half-blocks in 24-bit colour unless the terminal needs less.
    ///   - resize: shrinks a thumbnail that does not fit its slot (after the terminal shrank).
    public init(
        layout: GridLayout,
        encoder: any CellEncoder = HalfBlockEncoder(),
        textStyle: TextStyle = .styled,
        resize: @escaping ThumbnailFit.Resize = ThumbnailFit.resample
    ) {
        self.layout = layout
        self.sheet = ContactSheet(count: layout.slotCount)
        self.encoder = encoder
        self.textStyle = textStyle
        self.resize = resize
        self.drawnProgressRows = Array(repeating: nil, count: layout.progressArea.size.rows)
    }

    /// A screen for `count` slots laid out on a `terminal`-sized screen, drawing half-blocks in `colors`.
    public init(count: Int, terminal: CellSize, colors: ColorMode, textStyle: TextStyle = .styled) {
        self.init(
            layout: GridLayout(terminal: terminal, slotCount: count),
            encoder: HalfBlockEncoder(colorMode: colors),
            textStyle: textStyle)
    }

    /// The box, in the encoder's pixels, that the decoder should fit each thumbnail into.
    public var pixelBox: PixelSize {
        encoder.pixelBox(for: layout.thumbnailSize)
    }

    /// The first frame: earlier output scrolled into the scrollback, then every slot as a numbered
    /// placeholder and an empty progress area.
    public mutating func begin() -> [UInt8] {
        var frame: [UInt8] = Array(repeating: UInt8(ascii: "\n"), count: layout.terminal.rows)
        frame.append(.resetAttributes)
        frame.append(.cursorPosition(CellPosition(row: 0, column: 0)))
        frame.append(.eraseBelow)
        appendVisibleSlots(to: &frame)
        drawnProgressRows = Array(repeating: nil, count: layout.progressArea.size.rows)
        appendProgressArea(to: &frame)
        return frame
    }

    /// Shows an image in `slot` (the index of its completion, from 0) and returns the bytes that draw it,
    /// all inside that slot's rectangle. When the slot is below a scrolling grid's window, the window moves
    /// down and the whole grid is redrawn instead. A slot outside the sheet is ignored (empty frame).
    public mutating func fill(slot: Int, pixels: Pixels, caption: Caption) -> [UInt8] {
        guard sheet.fill(slot: slot, pixels: pixels, caption: caption) else { return [] }
        var frame: [UInt8] = []
        let needed = layout.firstVisibleSlotRow(showingSlot: slot)
        if followsNewest, needed > firstVisibleSlotRow {
            firstVisibleSlotRow = needed
            appendGrid(to: &frame)
        } else {
            appendSlot(slot, to: &frame)
        }
        return frame
    }

    /// Adds a line to the failure list under the grid. The image takes no slot.
    public mutating func fail(name: String, reason: String) -> [UInt8] {
        sheet.fail(name: name, reason: reason)
        var frame: [UInt8] = []
        appendProgressArea(to: &frame)
        return frame
    }

    /// Replaces the per-download lines and the aggregate line; only lines whose text changed are redrawn,
    /// so an unchanged call returns an empty frame (and the caller can skip the write).
    public mutating func progress(lines: [ProgressLine], summary: ProgressSummary?) -> [UInt8] {
        activeProgress = lines
        self.summary = summary ?? self.summary
        var frame: [UInt8] = []
        appendProgressArea(to: &frame)
        return frame
    }

    /// The last frame: slots that never got an image show a dash (when asked), the progress lines give way
    /// to the failures and the final aggregate line, and the cursor ends on the line below everything,
    /// ready for the per-image report lines that must stay in the scrollback.
    public mutating func finish(emptySlotsDash: Bool = true) -> [UInt8] {
        var frame: [UInt8] = []
        if emptySlotsDash {
            for slot in sheet.closeOpenSlots() {
                appendSlot(slot, to: &frame)
            }
        }
        finished = true
        activeProgress = []
        summary?.active = 0
        appendProgressArea(to: &frame)
        frame.append(contentsOf: exitSequence)
        return frame
    }

    /// Lays the sheet out again for a new terminal size and redraws everything (SIGWINCH, SIGCONT), from the
    /// pixels the sheet already holds: nothing is decoded again. Thumbnails larger than the new slots are shrunk
    /// with `resize`; smaller ones keep their size, centred. Images decoded from now on fit the new `pixelBox`.
    /// A new `encoder` (the font, so the cell's pixel size, changed too) draws from now on; the old one erases
    /// the images it drew.
    public mutating func relayout(to terminal: CellSize, encoder newEncoder: (any CellEncoder)? = nil) -> [UInt8] {
        layout = layout.resized(to: terminal)
        let newest = sheet.slots.lastIndex { $0 != .placeholder } ?? 0
        firstVisibleSlotRow = layout.firstVisibleSlotRow(showingSlot: newest)
        var frame: [UInt8] = encoder.eraseAll(slotCount: sheet.slots.count)
        if let newEncoder { encoder = newEncoder }
        frame.append(.resetAttributes)
        frame.append(.cursorPosition(CellPosition(row: 0, column: 0)))
        frame.append(.eraseScreen)
        appendVisibleSlots(to: &frame)
        drawnProgressRows = Array(repeating: nil, count: layout.progressArea.size.rows)
        appendProgressArea(to: &frame)
        if finished {
            frame.append(contentsOf: exitSequence)
        }
        return frame
    }

    /// Bytes that put the cursor at the start of the first line below the grid and the progress area's
    /// content, with attributes reset; give them to `Terminal.restore(leaving:)` when the run is cut short.
    public var exitSequence: [UInt8] {
        let area = layout.progressArea
        let used = progressAreaLines().count
        var bytes: [UInt8] = []
        bytes.append(.resetAttributes)
        let row = area.origin.row + used
        if row < layout.terminal.rows {
            bytes.append(.cursorPosition(CellPosition(row: row, column: 0)))
            bytes.append(.eraseBelow)
        } else {
            // Everything is in use down to the last line: step onto a fresh line by scrolling once.
            bytes.append(.cursorPosition(CellPosition(row: max(0, layout.terminal.rows - 1), column: 0)))
            bytes.append(contentsOf: "\r\n".utf8)
        }
        return bytes
    }
}
