public import Imaging

/// A colour as the terminal will receive it: the encoding is part of the value, so an encoder decides once
/// (by `ColorMode`) and `Escape` only spells it.
public enum TerminalColor: Sendable, Hashable {
    /// 24-bit colour, SGR `38;2;r;g;b`.
    case rgb(RGB)
    /// An index into xterm's 256-colour palette, SGR `38;5;n`.
    case palette(UInt8)
    /// One of the 16 standard colours (0–7 normal, 8–15 bright), SGR `30`–`37` / `90`–`97`.
    case ansi(UInt8)
}

/// How many colours the terminal can show, which decides how pixels are turned into `TerminalColor`s.
public enum ColorMode: String, Sendable, CaseIterable {
    case trueColor = "truecolor"
    case palette256 = "256"
    case ansi16 = "16"

    /// The closest colour this mode can express.
    public func color(for rgb: RGB) -> TerminalColor {
        switch self {
        case .trueColor: .rgb(rgb)
        case .palette256: .palette(XtermPalette.nearest256(to: rgb))
        case .ansi16: .ansi(XtermPalette.nearest16(to: rgb))
        }
    }

    /// Guesses the mode from the environment the way most terminal programs do.
    ///
    /// `COLORTERM=truecolor|24bit` is the de-facto promise of 24-bit colour; a `TERM` ending in `256color`
    /// promises the xterm palette; anything else gets the 16 colours every ANSI terminal has.
    /// `NO_COLOR` is deliberately not consulted: it is about text styling, and images are content.
    /// - SeeAlso: <https://github.com/termstandard/colors>
    public static func detect(environment: [String: String]) -> ColorMode {
        let colorTerm = environment["COLORTERM", default: ""].lowercased()
        if colorTerm == "truecolor" || colorTerm == "24bit" {
            return .trueColor
        }
        let term = environment["TERM", default: ""].lowercased()
        if term.hasSuffix("-direct") {
            return .trueColor
        }
        if term.contains("256color") {
            return .palette256
        }
        return .ansi16
    }
}
