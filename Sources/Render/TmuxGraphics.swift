/// What gallery draws inside a terminal multiplexer, and why.
///
/// tmux answers DA1 and the size queries itself, so inside it the terminal outside is invisible unless asked
/// through passthrough (`ESC P tmux ; … ESC \`, `allow-passthrough on`). gallery does not do that, because
/// no answer could make pixels safe before tmux 3.4:
/// - tmux 3.3a forwards a passthrough string at once, to wherever the outer terminal's cursor happens to
///   be, not at the pane's cursor (tmux moves the outer cursor only when it draws cells), so a sixel or
///   iTerm2 image lands in the wrong place — seen in xterm: a sixel written at the pane's row 5, column 11
///   appeared at the top-left corner, under the text tmux drew afterwards. Placing it ourselves would need
///   the pane's offset in the window (which only the `tmux` command tells), and tmux's next redraw of those
///   cells erases the image anyway.
/// - kitty images survive tmux only as Unicode placeholders (`U=1`, kitty 0.28 and later; Debian ships
///   0.26.5), which gallery does not draw.
/// tmux 3.4 and later can be built to draw sixel itself: it then lists sixel in its own DA1 answer, places
/// and redraws the images with the pane, and gallery sends it plain sixel.
///
/// GNU screen is not queried at all: its only way out for graphics is the same kind of passthrough
/// (`ESC P … ESC \`, cut into chunks of at most 768 bytes) with the same cursor problem, and it names no
/// version to tell a better one by.
public enum TmuxGraphics {
    /// The first tmux that can draw sixel itself (when built with `--enable-sixel`).
    public static let nativeSixelVersion = TmuxVersion(major: 3, minor: 4)

    static let screenReason =
        "inside GNU screen: it passes images only through DCS passthrough, which does not place them at the "
        + "window's cursor"

    /// The protocol and reason from tmux's own answers to `GraphicsDetection.tmuxQueries` (nil: not asked).
    static func decide(replies: TerminalReplies?) -> (GraphicsProtocol, String) {
        let version = replies?.terminalVersion.flatMap(TmuxVersion.init(xtversion:))
        guard let version else {
            return (.blocks, "inside tmux, which did not say its version (XTVERSION): half-blocks")
        }
        if version >= nativeSixelVersion {
            if replies?.sixel == true {
                return (.sixel, "tmux \(version) draws sixel itself (its DA1 lists 4)")
            }
            return (.blocks, "tmux \(version) was built without sixel (its DA1 does not list 4)")
        }
        return (
            .blocks,
            "inside tmux \(version): before 3.4 passthrough images land at the outer cursor, not the pane's, "
                + "and kitty images need Unicode placeholders (kitty 0.28)"
        )
    }
}

/// A tmux release as XTVERSION names it: `tmux 3.3a`, `tmux 3.4`, `tmux next-3.5`.
public struct TmuxVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    /// The letter of a patch release (`a` in 3.3a), or empty.
    public var patch: String

    public init(major: Int, minor: Int, patch: String = "") {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Nil unless `text` is tmux's XTVERSION answer with a version number in it.
    public init?(xtversion text: String) {
        guard text.hasPrefix("tmux ") else { return nil }
        var version = text.dropFirst(5)
        if version.hasPrefix("next-") { version = version.dropFirst(5) }
        let parts = version.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let major = Int(parts[0]) else { return nil }
        let digits = parts[1].prefix { $0.isASCII && $0.isNumber }
        guard let minor = Int(digits) else { return nil }
        self.init(major: major, minor: minor, patch: String(parts[1].dropFirst(digits.count)))
    }

    public static func < (a: TmuxVersion, b: TmuxVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    public var description: String { "\(major).\(minor)\(patch)" }
}
