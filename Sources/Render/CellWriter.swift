/// Appends glyph cells to a byte buffer, sending a colour only when it differs from what the terminal has.
///
/// One combined SGR when both colours change; a space sends no foreground, since nothing shows it.
struct CellWriter {
    var bytes: [UInt8] = []
    /// What the terminal currently has; nil means its default (after a reset).
    private var foreground: TerminalColor?
    private var background: TerminalColor?

    /// Whether a glyph with equal colours may become a space; not in a set without one (`▀` only).
    private let collapsesToSpace: Bool

    init(capacity: Int, collapsesToSpace: Bool) {
        bytes.reserveCapacity(capacity)
        self.collapsesToSpace = collapsesToSpace
    }

    /// Moves to the start of a row of cells: an absolute position, so nothing depends on line wrapping.
    mutating func startRow(at position: CellPosition) {
        bytes.append(.cursorPosition(position))
    }

    /// One cell: `glyph` in `ink` over `paper`. A glyph whose two colours came out equal is drawn as a space
    /// when `collapsesToSpace`.
    mutating func cell(_ glyph: [UInt8], ink: TerminalColor, paper: TerminalColor) {
        let isSpace = glyph == [UInt8(ascii: " ")] || (collapsesToSpace && ink == paper)
        let inkChanged = !isSpace && ink != foreground
        let paperChanged = paper != background
        switch (inkChanged, paperChanged) {
        case (true, true): bytes.append(.colors(foreground: ink, background: paper))
        case (true, false): bytes.append(.foreground(ink))
        case (false, true): bytes.append(.background(paper))
        case (false, false): break
        }
        if inkChanged { foreground = ink }
        background = paper
        if isSpace {
            bytes.append(UInt8(ascii: " "))
        } else {
            bytes.append(contentsOf: glyph)
        }
    }

    /// Ends the drawing with attributes reset, as every encoder does.
    mutating func finish() -> [UInt8] {
        bytes.append(.resetAttributes)
        return bytes
    }
}
