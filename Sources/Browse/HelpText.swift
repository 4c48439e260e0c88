import Render

/// The key list `?` shows over the sheet, and the README's, from one table so they cannot disagree.
public enum HelpText {
    /// One key (or several spellings of it) and what it does.
    public struct Entry: Sendable, Hashable {
        public var keys: String
        public var action: String
    }

    public static let entries: [Entry] = [
        Entry(keys: "← ↓ ↑ →  h j k l", action: "move the highlight"),
        Entry(keys: "Home End", action: "first / last image of the row"),
        Entry(keys: "PgUp PgDn", action: "one screen up / down"),
        Entry(keys: "click", action: "highlight that image"),
        Entry(keys: "Enter Space", action: "show the image alone, as large as the window allows"),
        Entry(keys: "n p", action: "next / previous image"),
        Entry(keys: "i", action: "URL, bytes, pixel size, format, download time, saved path"),
        Entry(keys: "s", action: "save the image (never overwrites)"),
        Entry(keys: "r", action: "fetch an image again after the spool dropped it"),
        Entry(keys: "Esc q", action: "back to the sheet"),
        Entry(keys: "q Ctrl-C", action: "on the sheet: end the run"),
        Entry(keys: "?", action: "this help"),
    ]

    /// The overlay's lines, each at most `width` columns: keys in a column as wide as the widest, then the action,
    /// cut with `…` when the window is narrow.
    public static func lines(width: Int) -> [String] {
        let keyColumn = entries.map { DisplayWidth.of($0.keys) }.max() ?? 0
        let title = DisplayWidth.ellipsize("Keys", toWidth: width)
        return [title]
            + entries.map { entry in
                let keys = entry.keys + String(repeating: " ", count: keyColumn - DisplayWidth.of(entry.keys))
                return DisplayWidth.ellipsize("  " + keys + "  " + entry.action, toWidth: width)
            }
    }

    /// The overlay's bytes: the lines in a box centred in `window`, reverse video so it stands out from the
    /// sheet in every render mode. It covers the sheet's cells only; the caller redraws the sheet to dismiss it.
    public static func overlay(in window: CellSize) -> [UInt8] {
        let inner = lines(width: max(0, window.columns - 4))
        let width = min(window.columns - 2, (inner.map { DisplayWidth.of($0) }.max() ?? 0) + 2)
        guard width > 2, window.rows >= inner.count + 2 else { return [] }
        let top = (window.rows - inner.count - 2) / 2
        let left = (window.columns - width) / 2
        var frame: [UInt8] = []
        frame.append(.resetAttributes)
        frame.append(.inverse)
        let blank = String(repeating: " ", count: width)
        for (index, line) in ([blank] + inner.map { " " + DisplayWidth.padded($0, toWidth: width - 2) + " " } + [blank])
            .enumerated()
        {
            frame.append(.cursorPosition(CellPosition(row: top + index, column: left)))
            frame.append(contentsOf: line.utf8)
        }
        frame.append(.resetAttributes)
        return frame
    }
}
