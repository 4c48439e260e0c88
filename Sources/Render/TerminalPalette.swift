public import Imaging

/// The terminal's 16 standard colours as it really shows them, which the 16-colour quantiser matches against.
///
/// Users retheme these freely, so gallery asks with OSC 4 (`Escape.paletteColorQuery`) and reads the
/// `ESC ] 4 ; n ; rgb:RRRR/GGGG/BBBB` answers; a colour not answered keeps xterm's default value.
/// - SeeAlso: <https://invisible-island.net/xterm/ctlseqs/ctlseqs.html#h3-Operating-System-Commands>
public struct TerminalPalette: Sendable, Hashable {
    /// Entries 0–15.
    public var colours: [RGB]

    public init(colours: [RGB]) {
        precondition(colours.count == 16)
        self.colours = colours
    }

    /// xterm's defaults, for terminals that do not answer.
    public static let xterm = TerminalPalette(colours: XtermPalette.standard16)

    /// One OSC 4 query per standard colour, sent before DA1 so a terminal that ignores them costs no wait.
    public static let queries: [UInt8] = (0..<16).reduce(into: []) { $0.append(.paletteColorQuery($1)) }

    /// The palette in `replies`, or nil when they hold no OSC 4 answer at all.
    public init?(parsing replies: [UInt8]) {
        var colours = XtermPalette.standard16
        var found = false
        var i = 0
        while i + 4 < replies.count {
            guard replies[i] == 0x1b, replies[i + 1] == UInt8(ascii: "]"), replies[i + 2] == UInt8(ascii: "4"),
                replies[i + 3] == UInt8(ascii: ";")
            else {
                i += 1
                continue
            }
            var end = i + 4
            while end < replies.count, replies[end] != 0x07, replies[end] != 0x1b { end += 1 }
            if let (index, colour) = Self.entry(String(decoding: replies[(i + 4)..<end], as: UTF8.self)) {
                colours[index] = colour
                found = true
            }
            i = end
        }
        guard found else { return nil }
        self.colours = colours
    }

    /// `n;rgb:R/G/B` with one to four hex digits per channel, scaled to 8 bits.
    static func entry(_ body: String) -> (Int, RGB)? {
        let parts = body.split(separator: ";")
        guard parts.count == 2, let index = Int(parts[0]), (0..<16).contains(index), parts[1].hasPrefix("rgb:")
        else { return nil }
        let channels = parts[1].dropFirst(4).split(separator: "/")
        guard channels.count == 3 else { return nil }
        var values: [UInt8] = []
        for channel in channels {
            guard (1...4).contains(channel.count), let value = Int(channel, radix: 16) else { return nil }
            let maximum = (1 << (4 * channel.count)) - 1
            values.append(UInt8((value * 255 + maximum / 2) / maximum))
        }
        return (index, RGB(values[0], values[1], values[2]))
    }
}
