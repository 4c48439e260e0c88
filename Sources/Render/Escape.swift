import Imaging

/// Every control sequence gallery sends to a terminal, in one table.
///
/// Following chafa's `chafa-term-seq-def.h`, no other file spells an escape sequence: encoders and the screen
/// append `Escape` values to a byte buffer, so a terminal quirk is fixed here once.
/// Coordinates are zero-based; this is the only place that adds the one the terminal expects.
/// - SeeAlso: <https://invisible-island.net/xterm/ctlseqs/ctlseqs.html>
public enum Escape: Sendable, Hashable {
    /// CUP, `CSI row ; column H`.
    case cursorPosition(CellPosition)
    /// CUU, `CSI n A`.
    case cursorUp(Int)
    /// CUD, `CSI n B`.
    case cursorDown(Int)
    /// CUF, `CSI n C`.
    case cursorForward(Int)
    /// CUB, `CSI n D`.
    case cursorBack(Int)
    /// CHA, `CSI n G`: to a column of the current line.
    case cursorColumn(Int)
    /// DECTCEM reset, `CSI ? 25 l`.
    case hideCursor
    /// DECTCEM set, `CSI ? 25 h`.
    case showCursor
    /// ED 2, `CSI 2 J`: the whole screen, in the current background colour.
    case eraseScreen
    /// ED 0, `CSI J`: from the cursor to the end of the screen.
    case eraseBelow
    /// EL 0, `CSI K`: from the cursor to the end of the line.
    case eraseToEndOfLine
    /// EL 2, `CSI 2 K`: the whole line.
    case eraseLine
    /// SGR 0: default colours, no bold, no dim.
    case resetAttributes
    /// SGR 1.
    case bold
    /// SGR 2 (faint); not every terminal has it, which is harmless.
    case dim
    /// SGR 22: neither bold nor dim.
    case normalIntensity
    /// SGR 38…: a foreground colour in whichever encoding the colour carries.
    case foreground(TerminalColor)
    /// SGR 48…: a background colour.
    case background(TerminalColor)
    /// Foreground and background in one SGR, which saves bytes in half-block images where both change often.
    case colors(foreground: TerminalColor, background: TerminalColor)
    /// SGR 39.
    case defaultForeground
    /// SGR 49.
    case defaultBackground

    // Pixel protocols and terminal queries.

    /// A kitty graphics command, `ESC _ G keys ; payload ESC \` (APC); no `;` when the payload is empty.
    /// - SeeAlso: <https://sw.kovidgoyal.net/kitty/graphics-protocol/>
    case kittyGraphics(keys: String, payload: [UInt8])
    /// DCS that starts sixel data, `ESC P 0 ; 1 ; 0 q`: P2 = 1 leaves pixels whose bits are 0 as they were,
    /// so the rows a last six-pixel band adds below the image stay untouched.
    /// - SeeAlso: <https://vt100.net/docs/vt3xx-gp/chapter14.html>
    case sixelBegin
    /// ST, `ESC \`: ends a DCS (sixel) or APC (kitty) string.
    case stringTerminator
    /// iTerm2's inline image, `ESC ] 1337 ; File= arguments : payload BEL`; the payload is Base64.
    /// - SeeAlso: <https://iterm2.com/documentation-images.html>
    case iTermFile(arguments: String, payload: [UInt8])
    /// DA1, `CSI c`: every VT100-compatible terminal answers, so it ends a batch of queries.
    case primaryDeviceAttributes
    /// XTWINOPS 16, `CSI 16 t`: reports the cell size in pixels as `CSI 6 ; height ; width t`.
    case cellSizeQuery
    /// XTWINOPS 14, `CSI 14 t`: reports the text area in pixels as `CSI 4 ; height ; width t`.
    case textAreaPixelsQuery
    /// XTSMGRAPHICS, `CSI ? 1 ; 1 ; 0 S`: asks for the number of sixel colour registers.
    case colorRegistersQuery
    /// XTVERSION, `CSI > 0 q`: the terminal names itself as `DCS > | name version ST` (tmux: `tmux 3.3a`).
    case terminalVersionQuery
    /// OSC 4, `ESC ] 4 ; n ; ? ESC \`: asks for palette entry n, answered as `ESC ] 4 ; n ; rgb:R/G/B` and ST or BEL.
    case paletteColorQuery(Int)

    // Browsing: highlight, keys and mouse, the enlarged view. Kept together so the set a browse session turns on
    // can be checked against the set its restore turns off.

    /// SGR 7: reverse video, a highlight that shows without colour (NO_COLOR, monochrome terminals).
    case inverse
    /// SGR 27: reverse video off, leaving bold and colours as they are.
    case notInverse
    /// DECSET 1000 and 1006: report button presses and releases, with coordinates in SGR form
    /// (`CSI < b ; x ; y M`), which has no 223-column limit and cannot be mistaken for UTF-8.
    case mouseReportingOn
    /// DECRST 1006 and 1000, the reverse of `mouseReportingOn`.
    case mouseReportingOff
    /// DECSET 2004: the terminal brackets a paste in `CSI 200 ~` … `CSI 201 ~`, so pasted text is never read as keys.
    case bracketedPasteOn
    /// DECRST 2004.
    case bracketedPasteOff
    /// DECSET 1049: the alternate screen, with the cursor saved; the sheet stays on the main screen.
    case alternateScreenOn
    /// DECRST 1049: back to the main screen and the saved cursor.
    case alternateScreenOff

    /// The sequence's bytes, for callers that want a value; hot paths use `[UInt8].append(_:)` instead.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.append(self)
        return out
    }
}

extension [UInt8] {
    /// Appends one escape sequence without building an intermediate array or string.
    public mutating func append(_ escape: Escape) {
        if let literal = escape.csiLiteral {
            appendCSI(literal: literal)
            return
        }
        if appendStringSequence(escape) { return }
        switch escape {
        case .cursorPosition(let position):
            appendCSI()
            appendDecimal(position.row + 1)
            append(UInt8(ascii: ";"))
            appendDecimal(position.column + 1)
            append(UInt8(ascii: "H"))
        case .cursorUp(let n): appendCSI(n, final: "A")
        case .cursorDown(let n): appendCSI(n, final: "B")
        case .cursorForward(let n): appendCSI(n, final: "C")
        case .cursorBack(let n): appendCSI(n, final: "D")
        case .cursorColumn(let column): appendCSI(column + 1, final: "G")
        case .foreground(let colour):
            appendCSI()
            appendSGRParameters(colour, layer: .foreground)
            append(UInt8(ascii: "m"))
        case .background(let colour):
            appendCSI()
            appendSGRParameters(colour, layer: .background)
            append(UInt8(ascii: "m"))
        case .colors(let foreground, let background):
            appendCSI()
            appendSGRParameters(foreground, layer: .foreground)
            append(UInt8(ascii: ";"))
            appendSGRParameters(background, layer: .background)
            append(UInt8(ascii: "m"))
        case .mouseReportingOn:
            appendCSI(literal: "?1000h")
            appendCSI(literal: "?1006h")
        case .mouseReportingOff:
            appendCSI(literal: "?1006l")
            appendCSI(literal: "?1000l")
        default: assertionFailure("\(escape) is neither a fixed CSI sequence nor written here")
        }
    }

    /// The sequences that carry a string (APC, DCS, OSC) rather than CSI parameters; false for any other.
    private mutating func appendStringSequence(_ escape: Escape) -> Bool {
        switch escape {
        case .kittyGraphics(let keys, let payload):
            append(contentsOf: [0x1b, UInt8(ascii: "_"), UInt8(ascii: "G")])
            append(contentsOf: keys.utf8)
            if !payload.isEmpty {
                append(UInt8(ascii: ";"))
                append(contentsOf: payload)
            }
            append(.stringTerminator)
        case .sixelBegin:
            append(0x1b)
            append(contentsOf: "P0;1;0q".utf8)
        case .stringTerminator:
            append(contentsOf: [0x1b, UInt8(ascii: "\\")])
        case .iTermFile(let arguments, let payload):
            append(0x1b)
            append(contentsOf: "]1337;File=".utf8)
            append(contentsOf: arguments.utf8)
            append(UInt8(ascii: ":"))
            append(contentsOf: payload)
            append(0x07)
        case .paletteColorQuery(let index):
            append(contentsOf: [0x1b, UInt8(ascii: "]"), UInt8(ascii: "4"), UInt8(ascii: ";")])
            appendDecimal(index)
            append(contentsOf: [UInt8(ascii: ";"), UInt8(ascii: "?")])
            append(.stringTerminator)
        default: return false
        }
        return true
    }

    private enum Layer { case foreground, background }

    /// `38;2;r;g;b`, `38;5;n` or `30`–`37`/`90`–`97` (and the background equivalents).
    private mutating func appendSGRParameters(_ colour: TerminalColor, layer: Layer) {
        switch colour {
        case .rgb(let rgb):
            appendDecimal(layer == .foreground ? 38 : 48)
            append(contentsOf: ";2;".utf8)
            appendDecimal(Int(rgb.r))
            append(UInt8(ascii: ";"))
            appendDecimal(Int(rgb.g))
            append(UInt8(ascii: ";"))
            appendDecimal(Int(rgb.b))
        case .palette(let index):
            appendDecimal(layer == .foreground ? 38 : 48)
            append(contentsOf: ";5;".utf8)
            appendDecimal(Int(index))
        case .ansi(let index):
            // 0–7 are the SGR 30–37 colours, 8–15 their bright versions at SGR 90–97 (aixterm).
            let base = layer == .foreground ? 30 : 40
            let value = Int(index & 0x0f)
            appendDecimal(value < 8 ? base + value : base + 60 + value - 8)
        }
    }

    private mutating func appendCSI() {
        append(0x1b)
        append(UInt8(ascii: "["))
    }

    private mutating func appendCSI(literal: StaticString) {
        appendCSI()
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }

    private mutating func appendCSI(_ parameter: Int, final: Unicode.Scalar) {
        appendCSI()
        appendDecimal(parameter)
        append(UInt8(ascii: final))
    }

    /// Appends a non-negative integer in ASCII decimal; negatives are clamped to 0 so no sequence is malformed.
    mutating func appendDecimal(_ value: Int) {
        let value = Swift.max(0, value)
        var divisor = 1
        while divisor <= value / 10 {
            divisor *= 10
        }
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
            divisor /= 10
        }
    }
}

extension Escape {
    /// The parameters and final byte of the sequences that are one fixed `CSI …`; nil for the rest, which carry
    /// values or are not CSI sequences.
    fileprivate var csiLiteral: StaticString? {
        switch self {
        case .hideCursor: "?25l"
        case .showCursor: "?25h"
        case .eraseScreen: "2J"
        case .eraseBelow: "J"
        case .eraseToEndOfLine: "K"
        case .eraseLine: "2K"
        case .resetAttributes: "0m"
        case .bold: "1m"
        case .dim: "2m"
        case .normalIntensity: "22m"
        case .defaultForeground: "39m"
        case .defaultBackground: "49m"
        case .primaryDeviceAttributes: "c"
        case .cellSizeQuery: "16t"
        case .textAreaPixelsQuery: "14t"
        case .colorRegistersQuery: "?1;1;0S"
        case .terminalVersionQuery: ">0q"
        case .inverse: "7m"
        case .notInverse: "27m"
        case .bracketedPasteOn: "?2004h"
        case .bracketedPasteOff: "?2004l"
        case .alternateScreenOn: "?1049h"
        case .alternateScreenOff: "?1049l"
        default: nil
        }
    }
}
