public import Render

/// The bytes that put the highlight on a slot or take it off: the caption in reverse video and a frame in the
/// gutter around the slot. Pure.
///
/// Reverse video and line glyphs show in every render mode, with `NO_COLOR` and on a monochrome terminal, where a
/// coloured border would not. The frame sits in the gutter (the blank column and row between slots), so it never
/// covers a pixel of the image, whatever protocol drew it; a side with no gutter (the screen's edge) is left out.
/// Neighbouring slots share a gutter, so the old highlight is taken off before the new one is drawn (`moving`).
public struct SlotHighlight: Sendable {
    /// The characters of the frame.
    public struct Glyphs: Sendable, Hashable {
        public var horizontal: Character
        public var vertical: Character
        /// Top-left, top-right, bottom-left, bottom-right.
        public var corners: [Character]

        /// Heavy box drawing, distinct from the placeholders' light boxes.
        public static let unicode = Glyphs(horizontal: "━", vertical: "┃", corners: ["┏", "┓", "┗", "┛"])
        /// For a terminal without UTF-8.
        public static let ascii = Glyphs(horizontal: "-", vertical: "|", corners: ["+", "+", "+", "+"])
    }

    public var layout: GridLayout
    public var firstVisibleSlotRow: Int
    public var textStyle: TextStyle
    public var glyphs: Glyphs

    public init(
        layout: GridLayout, firstVisibleSlotRow: Int = 0, textStyle: TextStyle = .styled, glyphs: Glyphs = .unicode
    ) {
        self.layout = layout
        self.firstVisibleSlotRow = firstVisibleSlotRow
        self.textStyle = textStyle
        self.glyphs = glyphs
    }

    /// Takes the highlight off `old` (when there is one) and puts it on `new`; `captions` gives each slot's caption.
    public func moving(from old: Int?, to new: Int, captions: (Int) -> Caption?) -> [UInt8] {
        var frame: [UInt8] = []
        if let old, old != new {
            frame += draw(slot: old, caption: captions(old), highlighted: false)
        }
        frame += draw(slot: new, caption: captions(new), highlighted: true)
        return frame
    }

    /// The caption and the frame of one slot, highlighted or plain; nothing for a slot scrolled off the screen.
    /// Plain captions are drawn as the sheet draws them (title bold, name normal), so taking the highlight off
    /// leaves the slot as it was.
    public func draw(slot: Int, caption: Caption?, highlighted: Bool) -> [UInt8] {
        guard let rect = layout.slotRect(slot, firstVisibleSlotRow: firstVisibleSlotRow),
            let captionRect = layout.captionRect(slot, firstVisibleSlotRow: firstVisibleSlotRow)
        else { return [] }
        var frame: [UInt8] = []
        frame.append(.resetAttributes)
        if let caption {
            let lines = caption.lines(width: captionRect.size.columns)
            for (index, line) in [lines.title, lines.name].enumerated() {
                frame.append(
                    .cursorPosition(CellPosition(row: captionRect.origin.row + index, column: rect.origin.column)))
                if highlighted { frame.append(.inverse) }
                if index == 0, textStyle == .styled { frame.append(.bold) }
                frame.append(contentsOf: line.utf8)
                frame.append(.resetAttributes)
            }
        }
        appendFrame(around: rect, highlighted: highlighted, to: &frame)
        return frame
    }

    /// Frame glyphs (or spaces, to take them off) in the gutter cells around `rect` that are on the screen.
    private func appendFrame(around rect: CellRect, highlighted: Bool, to frame: inout [UInt8]) {
        let screen = layout.terminal
        let left = rect.origin.column - 1
        let right = rect.endColumn
        let top = rect.origin.row - 1
        let bottom = rect.endRow
        let columns = max(0, left)..<min(screen.columns, right + 1)
        for row in [top, bottom] where (0..<screen.rows).contains(row) && !columns.isEmpty {
            var line = ""
            for column in columns {
                line.append(highlighted ? glyph(row: row, column: column, rect: rect) : " ")
            }
            frame.append(.cursorPosition(CellPosition(row: row, column: columns.lowerBound)))
            frame.append(contentsOf: line.utf8)
        }
        for column in [left, right] where (0..<screen.columns).contains(column) {
            for row in rect.origin.row..<rect.endRow {
                frame.append(.cursorPosition(CellPosition(row: row, column: column)))
                frame.append(contentsOf: String(highlighted ? glyphs.vertical : " ").utf8)
            }
        }
    }

    private func glyph(row: Int, column: Int, rect: CellRect) -> Character {
        let isTop = row < rect.origin.row
        switch column {
        case rect.origin.column - 1: return glyphs.corners[isTop ? 0 : 2]
        case rect.endColumn: return glyphs.corners[isTop ? 1 : 3]
        default: return glyphs.horizontal
        }
    }
}
