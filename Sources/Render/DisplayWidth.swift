/// How many terminal columns text occupies, and how to make it fit.
///
/// Terminals lay out by scalar width (wcwidth), not by grapheme: East Asian wide and emoji scalars take two
/// columns, combining marks and zero-width characters take none, everything else one. This table is the
/// common subset terminals agree on; an exotic character may be off by one, which the screen tolerates
/// because every line is positioned absolutely and erased to its end.
public enum DisplayWidth {
    /// Columns `text` occupies.
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Columns one scalar occupies.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) {
            return 0
        }
        if value < 0x300 {
            return 1
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return 0
        default:
            break
        }
        if value == 0x200B {
            return 0
        }
        return isWide(value) || scalar.properties.isEmojiPresentation ? 2 : 1
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }

    /// Where to cut a string that is too wide.
    public enum Truncation: Sendable {
        /// `very_long_name_of_a_pho…`
        case end
        /// `very_long_na…a_photo.jpg`: keeps the extension and the distinguishing tail of a file name.
        case middle
    }

    /// `text` cut to at most `width` columns, with `…` where text was removed.
    public static func ellipsize(_ text: String, toWidth width: Int, truncation: Truncation = .end) -> String {
        guard width > 0 else { return "" }
        guard of(text) > width else { return text }
        let budget = width - 1  // the ellipsis takes one column
        let scalars = Array(text.unicodeScalars)
        switch truncation {
        case .end:
            return String(String.UnicodeScalarView(prefix(scalars, width: budget))) + "…"
        case .middle:
            let tailBudget = budget / 2
            let head = prefix(scalars, width: budget - tailBudget)
            let tail = prefix(scalars.reversed(), width: tailBudget).reversed()
            return String(String.UnicodeScalarView(head)) + "…" + String(String.UnicodeScalarView(tail))
        }
    }

    /// The longest run of leading scalars that fits in `width` columns.
    private static func prefix(_ scalars: some Sequence<Unicode.Scalar>, width: Int) -> [Unicode.Scalar] {
        var used = 0
        var kept: [Unicode.Scalar] = []
        for scalar in scalars {
            let w = of(scalar)
            if used + w > width {
                break
            }
            used += w
            kept.append(scalar)
        }
        return kept
    }

    /// `text` ellipsized or padded with spaces to exactly `width` columns, so a redraw overwrites old text.
    public static func padded(_ text: String, toWidth width: Int, truncation: Truncation = .end) -> String {
        let fitted = ellipsize(text, toWidth: width, truncation: truncation)
        return fitted + String(repeating: " ", count: max(0, width - of(fitted)))
    }
}
