/// The glyphs the symbol encoder may draw a cell with, from the command line's `--symbols`.
///
/// Every set is closed under swapping foreground and background, so each shape is listed once: `▄` is `▀`
/// with the colours swapped, `█` is a space.
public enum SymbolSet: String, Sendable, CaseIterable {
    /// `▀` only: two stacked pixels per cell, the way every terminal can show them.
    case half
    /// Halves and quadrants (`▀ ▌ ▘ ▝ ▖ ▗ ▚`), in every font since the DOS code pages.
    case quad
    /// Quadrants and the Unicode 13 sextants (2×3 per cell), which many fonts still lack.
    case sextant
    /// Quadrants and the eighth blocks (`▁▂▃▅▆▇`, `▏▎▍▋▊▉`), which place an edge to an eighth of a cell.
    case block
    /// Everything above.
    case all

    /// The set used when `--symbols` is not given: everything where the terminal draws sextants itself, the
    /// block elements every font has everywhere else.
    ///
    /// kitty, foot, WezTerm and Ghostty draw block and legacy-computing glyphs themselves instead of asking the
    /// font, so sextants are safe there. Inside tmux or screen the outer terminal is unknown, so they stay out.
    public static func preferred(environment: [String: String]) -> SymbolSet {
        let term = environment["TERM", default: ""].lowercased()
        let program = environment["TERM_PROGRAM", default: ""].lowercased()
        if !environment["TMUX", default: ""].isEmpty || !environment["STY", default: ""].isEmpty
            || term.hasPrefix("tmux") || term.hasPrefix("screen")
        {
            return .block
        }
        let drawsSextants =
            !environment["KITTY_WINDOW_ID", default: ""].isEmpty || term == "xterm-kitty" || term.hasPrefix("foot")
            || program == "wezterm" || program == "ghostty" || term == "xterm-ghostty"
        return drawsSextants ? .all : .block
    }

    /// The glyph families of this set in order, the quadrants' space first (for quad and larger sets) so a
    /// flat cell keeps it on a tie.
    var families: [GlyphFamily] {
        switch self {
        case .half: [.upperHalf]
        case .quad: [.quadrants]
        case .sextant: [.quadrants, .sextants]
        case .block: [.quadrants, .eighths]
        case .all: [.quadrants, .eighths, .sextants]
        }
    }

    var glyphs: [Glyph] { families.flatMap(\.glyphs) }
}

/// Glyphs that share a construction, which is also how the fit sums the samples under them (`CellSums`).
enum GlyphFamily {
    case upperHalf, quadrants, eighths, sextants

    /// How many glyphs the family has, without building the list.
    var count: Int {
        switch self {
        case .upperHalf: 1
        case .quadrants: Glyph.quadrants.count
        case .eighths: Glyph.eighths.count
        case .sextants: Glyph.sextants.count
        }
    }

    var glyphs: [Glyph] {
        switch self {
        case .upperHalf: [Glyph.upperHalf]
        case .quadrants: Glyph.quadrants
        case .eighths: Glyph.eighths
        case .sextants: Glyph.sextants
        }
    }
}

/// One glyph: its UTF-8 bytes and which of a cell's `Glyph.columns × Glyph.rows` samples it inks with the
/// foreground colour (the rest show the background).
struct Glyph: Sendable {
    /// Samples per cell across and down: enough for an eighth of the width and of the height.
    static let columns = 8
    static let rows = 16

    let utf8: [UInt8]
    /// The ink as rectangles of samples, `(x0, y0, x1, y1)` with the ends excluded.
    let rectangles: [(x0: Int, y0: Int, x1: Int, y1: Int)]
    let inkCount: Int

    /// Samples the ink from `isInk(x, y)`: each sample row's ink must be one run, and equal runs in
    /// consecutive rows merge into one rectangle.
    init(_ scalar: Unicode.Scalar, isInk: (Int, Int) -> Bool) {
        utf8 = Array(String(scalar).utf8)
        var rectangles: [(x0: Int, y0: Int, x1: Int, y1: Int)] = []
        var count = 0
        for y in 0..<Self.rows {
            let inked = (0..<Self.columns).filter { isInk($0, y) }
            count += inked.count
            guard let first = inked.first, let last = inked.last else { continue }
            if let previous = rectangles.last, previous.y1 == y, previous.x0 == first, previous.x1 == last + 1 {
                rectangles[rectangles.count - 1].y1 = y + 1
            } else {
                rectangles.append((first, y, last + 1, y + 1))
            }
        }
        self.rectangles = rectangles
        inkCount = count
    }

    /// The scalar at `codePoint`: every table here names block or sextant code points, which are all scalars.
    private static func scalar(_ codePoint: Int) -> Unicode.Scalar {
        guard let scalar = Unicode.Scalar(UInt32(codePoint)) else { preconditionFailure("no scalar at \(codePoint)") }
        return scalar
    }

    static let space = Glyph(" ") { _, _ in false }
    static let upperHalf = Glyph("\u{2580}") { _, y in y < rows / 2 }

    /// Which quadrants each of `quadrants` inks: bit `2 * half + column` for the top (0) or bottom (1) half and
    /// the left (0) or right (1) column.
    static let quadrantMasks = [0, 0b0011, 0b0101, 0b0001, 0b0010, 0b0100, 0b1000, 0b1001]

    /// Space, `▀`, `▌`, `▘`, `▝`, `▖`, `▗`, `▚`: one of each pair of complementary quadrant patterns.
    static let quadrants: [Glyph] = zip(
        [" ", "\u{2580}", "\u{258C}", "\u{2598}", "\u{259D}", "\u{2596}", "\u{2597}", "\u{259A}"] as [Unicode.Scalar],
        quadrantMasks
    ).map { scalar, mask in
        Glyph(scalar) { x, y in mask & (1 << ((y < rows / 2 ? 0 : 2) + (x < columns / 2 ? 0 : 1))) != 0 }
    }

    /// The eighths drawn, lower and left: the halves are `▀` and `▌` already.
    static let eighthSizes = [1, 2, 3, 5, 6, 7]

    /// Lower one to seven eighths (`▁`…`▇`) and left one to seven eighths (`▏`…`▉`), halves excepted.
    static let eighths: [Glyph] = eighthSizes.flatMap { (k: Int) -> [Glyph] in
        [
            Glyph(scalar(0x2580 + k)) { _, y in y >= rows - 2 * k },
            Glyph(scalar(0x2590 - k)) { x, _ in x < k },
        ]
    }

    /// The first sample row of each third of a cell, and the end: a third is 5, 6 and 5 sample rows.
    static let thirds = [0, 5, 11, rows]

    /// Which sixths each of `sextants` inks: bit `2 * third + column`. All but the bottom-right one, whose
    /// patterns are these with the colours swapped, and the left column, which is `▌`.
    static let sextantMasks = (1..<32).filter { $0 != 0b10101 }

    /// The 30 sextant patterns (U+1FB00…) of `sextantMasks`.
    static let sextants: [Glyph] = sextantMasks.map { mask in
        Glyph(scalar(0x1FB00 + mask - 1 - (mask > 0b10101 ? 1 : 0))) { x, y in
            let third = thirds.lastIndex { $0 <= y } ?? 0
            return mask & (1 << (2 * third + (x < columns / 2 ? 0 : 1))) != 0
        }
    }
}
