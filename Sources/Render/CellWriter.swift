/// Appends glyph cells to a byte buffer, sending a colour only when it differs from what the terminal has.
///
/// One combined SGR when both colours change; a space sends no foreground, since nothing shows it. Palette
/// colours' SGR bytes come from `SGRBytes`, worked out once per process, and every cell is written with one
/// access to the buffer, since the encoder is otherwise quick enough that formatting numbers and growing an
/// array a byte at a time would be a large part of its time.
struct CellWriter {
    /// The bytes so far are `storage[..<count]`; the rest is room, grown before a cell could need more.
    private var storage: [UInt8]
    private var count = 0
    /// Escapes that are not a palette colour are built here first (`Escape` appends to an array).
    private var scratch: [UInt8] = []
    /// What the terminal currently has; nil means its default (after a reset).
    private var foreground: TerminalColor?
    private var background: TerminalColor?

    /// Whether a glyph with equal colours may become a space; not in a set without one (`▀` only).
    private let collapsesToSpace: Bool

    /// The most one cell writes: a combined truecolor SGR (`ESC[38;2;r;g;b;48;2;r;g;bm`) and a 4-byte glyph.
    private static let cellRoom = 48

    init(capacity: Int, collapsesToSpace: Bool) {
        storage = Array(repeating: 0, count: max(capacity, Self.cellRoom))
        scratch.reserveCapacity(Self.cellRoom)
        self.collapsesToSpace = collapsesToSpace
    }

    /// Moves to the start of a row of cells: an absolute position, so nothing depends on line wrapping.
    mutating func startRow(at position: CellPosition) {
        appendEscape(.cursorPosition(position))
    }

    /// One cell: `glyph` in `ink` over `paper`. A glyph whose two colours came out equal is drawn as a space
    /// when `collapsesToSpace`.
    mutating func cell(_ glyph: [UInt8], ink: TerminalColor, paper: TerminalColor) {
        let isSpace = (glyph.count == 1 && glyph[0] == UInt8(ascii: " ")) || (collapsesToSpace && ink == paper)
        let inkChanged = !isSpace && ink != foreground
        let paperChanged = paper != background
        reserveCell()
        if inkChanged || paperChanged {
            let cached = SGRBytes.write(
                foreground: inkChanged ? ink : nil, background: paperChanged ? paper : nil, into: &storage, at: &count)
            if !cached {
                switch (inkChanged, paperChanged) {
                case (true, true): appendEscape(.colors(foreground: ink, background: paper))
                case (true, false): appendEscape(.foreground(ink))
                default: appendEscape(.background(paper))
                }
            }
        }
        if inkChanged { foreground = ink }
        background = paper
        storage.withUnsafeMutableBufferPointer { storage in
            if isSpace {
                storage[count] = UInt8(ascii: " ")
                count += 1
            } else {
                for byte in glyph {
                    storage[count] = byte
                    count += 1
                }
            }
        }
    }

    /// Ends the drawing with attributes reset, as every encoder does.
    mutating func finish() -> [UInt8] {
        appendEscape(.resetAttributes)
        storage.removeLast(storage.count - count)
        return storage
    }

    /// Grows the room so that a whole cell fits.
    private mutating func reserveCell() {
        if count + Self.cellRoom > storage.count { storage += repeatElement(0, count: storage.count) }
    }

    private mutating func appendEscape(_ escape: Escape) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(escape)
        reserveCell()
        if count + scratch.count > storage.count { storage += repeatElement(0, count: scratch.count) }
        storage.replaceSubrange(count..<(count + scratch.count), with: scratch)
        count += scratch.count
    }
}
