/// Makes untrusted text (names from URLs, error text from servers) safe to print on a terminal.
///
/// Anything that reaches the screen from the network could otherwise move the cursor, clear the screen, set
/// the window title (OSC), or reorder what the user reads (bidi overrides). The sanitizer keeps printable
/// text and drops everything that could act: C0 and C1 controls, DEL, whole ESC / CSI / OSC / DCS sequences,
/// and the Unicode bidi controls. Invalid UTF-8 becomes U+FFFD. Newlines and tabs become spaces, because a
/// caption or a failure line is exactly one line.
public enum Sanitizer {
    /// The printable form of `text`.
    public static func clean(_ text: String) -> String {
        clean(Array(text.unicodeScalars))
    }

    /// The printable form of raw bytes that claim to be UTF-8 (e.g. a server's error body).
    public static func clean(utf8 bytes: some Collection<UInt8>) -> String {
        clean(Array(String(decoding: bytes, as: UTF8.self).unicodeScalars))
    }

    /// The display form of a URL path segment: percent-decoded, then cleaned.
    ///
    /// Decoding comes first so that `%1B%5B2J` cannot smuggle an escape sequence past the cleaning.
    /// A `%` not followed by two hex digits is kept as it is; decoded bytes that are not UTF-8 become U+FFFD.
    public static func displayName(_ urlSegment: String) -> String {
        clean(utf8: percentDecoded(urlSegment))
    }

    /// The bytes `text` stands for after `%XX` decoding (no `+` to space: that is a query rule, not a path rule).
    public static func percentDecoded(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hexValue(bytes[i + 1]),
                let low = hexValue(bytes[i + 2])
            {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let escape: Unicode.Scalar = "\u{1B}"
    private static let bell: Unicode.Scalar = "\u{07}"

    /// Walks the scalars as a small state machine: text, or inside a sequence being skipped.
    private static func clean(_ scalars: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            switch scalar.value {
            case 0x1B:
                i = indexAfterEscapeSequence(scalars, escapeAt: i)
                continue
            case 0x9B:  // C1 CSI, the one-byte form of ESC [
                i = indexAfterControlSequence(scalars, parametersFrom: i + 1)
                continue
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:  // C1 DCS, SOS, OSC, PM, APC: strings ended by ST or BEL
                i = indexAfterControlString(scalars, from: i + 1)
                continue
            case 0x09, 0x0A, 0x0D:
                out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                break
            default:
                if !isBidiControl(scalar) {
                    out.append(scalar)
                }
            }
            i += 1
        }
        return String(out)
    }

    /// ESC followed by `[` (CSI), `]` `P` `X` `^` `_` (strings), or one more character (e.g. `ESC c`, a reset).
    private static func indexAfterEscapeSequence(_ scalars: [Unicode.Scalar], escapeAt start: Int) -> Int {
        let next = start + 1
        guard next < scalars.count else { return next }
        switch scalars[next] {
        case "[":
            return indexAfterControlSequence(scalars, parametersFrom: next + 1)
        case "]", "P", "X", "^", "_":
            return indexAfterControlString(scalars, from: next + 1)
        default:
            // Intermediate bytes (0x20–0x2F) come before the final byte of a two-part escape, e.g. `ESC ( B`.
            var i = next
            while i < scalars.count, (0x20...0x2F).contains(scalars[i].value) {
                i += 1
            }
            return Swift.min(i + 1, scalars.count)
        }
    }

    /// A CSI sequence's parameters and intermediates run until a final byte in 0x40–0x7E (ECMA-48 5.4).
    /// Anything else (a control, non-ASCII) ends it early, so a truncated sequence cannot swallow the rest.
    private static func indexAfterControlSequence(_ scalars: [Unicode.Scalar], parametersFrom start: Int) -> Int {
        var i = start
        while i < scalars.count {
            let value = scalars[i].value
            if (0x40...0x7E).contains(value) {
                return i + 1
            }
            if !(0x20...0x3F).contains(value) {
                return i
            }
            i += 1
        }
        return i
    }

    /// OSC, DCS and friends end with ST (`ESC \` or C1 0x9C) or, by xterm's convention, BEL.
    /// An unterminated string is dropped to the end: better to lose a name than to leak half a title.
    private static func indexAfterControlString(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < scalars.count {
            switch scalars[i].value {
            case 0x07, 0x9C:
                return i + 1
            case 0x1B:
                return i + 1 < scalars.count && scalars[i + 1] == "\\" ? i + 2 : i + 1
            default:
                i += 1
            }
        }
        return i
    }

    /// Marks, embeddings, overrides and isolates (U+200E/F, U+061C, U+202A–202E, U+2066–2069): they reorder
    /// how a line is shown, so `gpj.exe` can be made to look like `exe.jpg`.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
