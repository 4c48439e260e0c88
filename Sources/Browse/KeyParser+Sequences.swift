import Render

/// The byte sequences that name keys, in every encoding the common terminals use.
///
/// Arrows, Home and End come as CSI (`ESC [ A`, normal cursor mode) or SS3 (`ESC O A`, application cursor
/// mode, which some shells leave on), with optional modifier parameters (`ESC [ 1 ; 5 A`) that are ignored.
/// Home and End also come as `ESC [ 1 ~`/`ESC [ 4 ~` (VT220, tmux, screen) and `ESC [ 7 ~`/`ESC [ 8 ~` (rxvt);
/// PgUp and PgDn as `ESC [ 5 ~`/`ESC [ 6 ~`.
/// - SeeAlso: <https://invisible-island.net/xterm/xterm-function-keys.html>
extension KeyParser {
    /// `200`, the parameter of `CSI 200 ~` that opens a bracketed paste.
    static let pasteStart: [UInt8] = Array("200".utf8)
    /// `CSI 201 ~`, which closes it.
    static let pasteEnd: [UInt8] = [0x1B] + Array("[201~".utf8)

    static func isFinal(_ byte: UInt8) -> Bool {
        (0x40...0x7E).contains(byte)
    }

    /// How much of `pasteEnd` has been seen after `byte`, given `matched` bytes before it.
    static func pasteEndProgress(_ matched: Int, _ byte: UInt8) -> Int {
        if byte == pasteEnd[matched] { return matched + 1 }
        // Only ESC starts the terminator again; no other prefix of it recurs inside it.
        return byte == pasteEnd[0] ? 1 : 0
    }

    /// The key after `ESC O`.
    static func singleShift(_ byte: UInt8) -> KeyEvent? {
        switch byte {
        case UInt8(ascii: "M"): .enter
        default: cursorKey(byte)
        }
    }

    /// Final bytes shared by CSI and SS3.
    static func cursorKey(_ final: UInt8) -> KeyEvent? {
        switch final {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        case UInt8(ascii: "H"): .home
        case UInt8(ascii: "F"): .end
        default: nil
        }
    }

    /// The key a whole control sequence names, or nil for one we do not use (function keys, focus reports,
    /// late replies to terminal queries).
    static func controlSequence(parameters: [UInt8], final: UInt8) -> KeyEvent? {
        if parameters.first == UInt8(ascii: "<") {
            return mouse(parameters.dropFirst(), final: final)
        }
        if final == UInt8(ascii: "~") {
            switch numbers(parameters[...]).first {
            case 1, 7: return .home
            case 4, 8: return .end
            case 5: return .pageUp
            case 6: return .pageDown
            default: return nil
            }
        }
        // Only plain numeric parameters: `CSI ? … c` and friends are replies, not keys.
        guard parameters.allSatisfy({ $0 == UInt8(ascii: ";") || (0x30...0x39).contains($0) }) else { return nil }
        return cursorKey(final)
    }

    /// An SGR mouse report, `CSI < button ; column ; row M` (press) or `m` (release), coordinates one-based.
    /// Button 0 is the left button; 64 and 65 the wheel; bit 32 marks motion, which we do not ask for.
    static func mouse(_ parameters: ArraySlice<UInt8>, final: UInt8) -> KeyEvent? {
        let values = numbers(parameters)
        guard final == UInt8(ascii: "M"), values.count == 3, let button = values[0], let column = values[1],
            let row = values[2], column >= 1, row >= 1
        else { return nil }
        switch button & ~0b11100 {  // shift, meta and control bits do not change the button
        case 0: return .click(CellPosition(row: row - 1, column: column - 1))
        case 64: return .wheelUp
        case 65: return .wheelDown
        default: return nil
        }
    }

    /// The `;`-separated decimal numbers; nil for an empty or non-numeric field, or one too large to be a
    /// coordinate.
    static func numbers(_ parameters: ArraySlice<UInt8>) -> [Int?] {
        parameters.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map { field in
            guard !field.isEmpty, field.count <= 6, field.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return nil
            }
            return field.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
    }
}
