public import Imaging

/// Which way thumbnails reach the screen.
public enum GraphicsProtocol: String, Sendable, CaseIterable {
    case kitty, sixel, iterm, blocks
}

/// What detection settled on, with the facts the pixel encoders need and a one-line reason for `--verbose`.
public struct GraphicsSupport: Sendable, Equatable {
    public var graphics: GraphicsProtocol
    public var cellPixels: CellPixels
    /// Sixel colour registers (256 when the terminal does not say).
    public var colorRegisters: Int
    public var reason: String

    public init(graphics: GraphicsProtocol, cellPixels: CellPixels, colorRegisters: Int, reason: String) {
        self.graphics = graphics
        self.cellPixels = cellPixels
        self.colorRegisters = colorRegisters
        self.reason = reason
    }

    /// The same measurements with the protocol the user chose (`--render kitty`), or self when nil.
    public func forced(_ graphics: GraphicsProtocol?) -> GraphicsSupport {
        guard let graphics else { return self }
        return GraphicsSupport(
            graphics: graphics, cellPixels: cellPixels, colorRegisters: colorRegisters,
            reason: "--render \(graphics.rawValue) (detection said \(self.graphics.rawValue): \(reason))")
    }

    /// The encoder for this support; `colors` and `kittyIDBase` matter only to half-blocks and kitty.
    public func encoder(colors: ColorMode, kittyIDBase: UInt32 = KittyEncoder.randomIDBase()) -> any CellEncoder {
        switch graphics {
        case .kitty: KittyEncoder(cellPixels: cellPixels, imageIDBase: kittyIDBase)
        case .sixel: SixelEncoder(cellPixels: cellPixels, colorRegisters: colorRegisters)
        case .iterm: ITermEncoder(cellPixels: cellPixels)
        case .blocks: HalfBlockEncoder(colorMode: colors)
        }
    }
}

/// The answers a terminal gave to `GraphicsDetection.queries`, parsed from the raw bytes it sent back.
public struct TerminalReplies: Sendable, Equatable {
    /// The kitty graphics query came back `OK`.
    public var kittyGraphics = false
    /// DA1's attributes (`CSI ? 62 ; 4 ; 22 c` gives [62, 4, 22]); nil until the reply arrives. DA1 is
    /// asked last and every terminal answers it, so its arrival means every other answer is in.
    public var deviceAttributes: [Int]?
    /// XTSMGRAPHICS: the number of sixel colour registers.
    public var colorRegisters: Int?
    /// `CSI 6 ; height ; width t`.
    public var cellPixels: CellPixels?
    /// `CSI 4 ; height ; width t`: the text area, for terminals that do not answer `CSI 16 t`.
    public var textAreaPixels: PixelSize?
    /// XTVERSION's `DCS > | name version ST` (`tmux 3.3a`); asked inside tmux, which answers it itself.
    public var terminalVersion: String?

    public init() {}

    /// Reads every reply in `bytes`; anything else (stray keystrokes, partial sequences) is skipped.
    public init(parsing bytes: [UInt8]) {
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == 0x1b else {
                i += 1
                continue
            }
            switch bytes[i + 1] {
            case UInt8(ascii: "["):
                var end = i + 2
                while end < bytes.count, !(0x40...0x7e).contains(bytes[end]) { end += 1 }
                guard end < bytes.count else { return }
                record(csi: Array(bytes[(i + 2)..<end]), final: bytes[end])
                i = end + 1
            case UInt8(ascii: "_"), UInt8(ascii: "P"):
                // APC (kitty's answer) or DCS (XTVERSION's), both ended by ST.
                var end = i + 2
                while end + 1 < bytes.count, !(bytes[end] == 0x1b && bytes[end + 1] == UInt8(ascii: "\\")) { end += 1 }
                guard end + 1 < bytes.count else { return }
                let body = String(decoding: bytes[(i + 2)..<end], as: UTF8.self)
                if bytes[i + 1] == UInt8(ascii: "P") {
                    if body.hasPrefix(">|") { terminalVersion = String(body.dropFirst(2)) }
                } else if body.hasPrefix("Gi=\(GraphicsDetection.kittyQueryID)"), body.hasSuffix(";OK") {
                    kittyGraphics = true
                }
                i = end + 2
            default:
                i += 1
            }
        }
    }

    private mutating func record(csi body: [UInt8], final: UInt8) {
        let isPrivate = body.first == UInt8(ascii: "?")
        let numbers = String(decoding: isPrivate ? body.dropFirst() : body[...], as: UTF8.self)
            .split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        switch (final, isPrivate) {
        case (UInt8(ascii: "c"), true):
            deviceAttributes = numbers
        case (UInt8(ascii: "S"), true) where numbers.count >= 3 && numbers[0] == 1 && numbers[1] == 0:
            colorRegisters = numbers[2]
        case (UInt8(ascii: "t"), false) where numbers.count >= 3 && numbers[0] == 6 && numbers[1] > 0 && numbers[2] > 0:
            cellPixels = CellPixels(width: numbers[2], height: numbers[1])
        case (UInt8(ascii: "t"), false) where numbers.count >= 3 && numbers[0] == 4 && numbers[1] > 0 && numbers[2] > 0:
            textAreaPixels = PixelSize(width: numbers[2], height: numbers[1])
        default:
            break
        }
    }

    /// DA1 lists attribute 4: the terminal draws sixel graphics.
    public var sixel: Bool { deviceAttributes?.dropFirst().contains(4) ?? false }
}

/// Chooses the graphics protocol for `--render auto`: the environment first, then (on a real terminal)
/// the terminal's own answers to a few queries. The rules are pure, so they are tested without a terminal;
/// `TerminalProbe` does the asking.
public enum GraphicsDetection {
    /// What the environment alone says.
    public enum EnvironmentHint: Sendable, Equatable {
        /// Pixels cannot be drawn safely; do not even query (GNU screen, or a console that would echo).
        case blocks(reason: String)
        /// Inside tmux: ask tmux itself (`tmuxQueries`: its version and DA1), never the terminal outside it.
        case tmux
        /// The terminal names itself; query only to learn the cell size and colour registers.
        case known(GraphicsProtocol, reason: String)
        /// Unknown: ask the terminal.
        case ask
    }

    /// The image id of the kitty query, chosen so it cannot be one of our slot images.
    public static let kittyQueryID = 31

    /// The queries for what `environmentHint` says: `tmuxQueries` inside tmux, else `queries`.
    public static func queries(for hint: EnvironmentHint) -> [UInt8] {
        hint == .tmux ? tmuxQueries : queries
    }

    /// Sent in one write: the kitty graphics query (a 1×1 RGB image that is checked but not stored, `a=q`),
    /// XTSMGRAPHICS for the colour registers, the cell and text-area sizes in pixels, and DA1 last.
    /// Terminals answer in order and ignore what they do not know, so DA1's reply ends the wait.
    public static let queries: [UInt8] = {
        var bytes: [UInt8] = []
        bytes.append(
            .kittyGraphics(keys: "i=\(kittyQueryID),s=1,v=1,a=q,t=d,f=24", payload: Array("AAAA".utf8)))
        bytes.append(.colorRegistersQuery)
        bytes.append(.cellSizeQuery)
        bytes.append(.textAreaPixelsQuery)
        bytes.append(.primaryDeviceAttributes)
        return bytes
    }()

    /// Inside tmux: XTVERSION (tmux names itself and its version), XTSMGRAPHICS, the cell and text-area
    /// sizes, DA1 last; tmux answers what it knows itself, DA1 included, so the wait ends as quickly as
    /// outside. No kitty query: tmux takes an APC string for a new pane title.
    public static let tmuxQueries: [UInt8] = {
        var bytes: [UInt8] = []
        bytes.append(.terminalVersionQuery)
        bytes.append(.colorRegistersQuery)
        bytes.append(.cellSizeQuery)
        bytes.append(.textAreaPixelsQuery)
        bytes.append(.primaryDeviceAttributes)
        return bytes
    }()

    public static func environmentHint(_ environment: [String: String]) -> EnvironmentHint {
        let term = environment["TERM", default: ""].lowercased()
        let program = environment["TERM_PROGRAM", default: ""].lowercased()
        // Multiplexers first: KITTY_WINDOW_ID and TERM_PROGRAM leak into them from the outer terminal.
        if !environment["TMUX", default: ""].isEmpty || term.hasPrefix("tmux") {
            return .tmux
        }
        if !environment["STY", default: ""].isEmpty || term.hasPrefix("screen") {
            return .blocks(reason: TmuxGraphics.screenReason)
        }
        if term.isEmpty || term == "dumb" || term == "linux" || term.hasPrefix("vt1") || term.hasPrefix("vt2") {
            return .blocks(reason: "TERM=\(term.isEmpty ? "(unset)" : term) has no pixel graphics")
        }
        if !environment["KITTY_WINDOW_ID", default: ""].isEmpty || term == "xterm-kitty" {
            return .known(.kitty, reason: "kitty (KITTY_WINDOW_ID or TERM=xterm-kitty)")
        }
        if program == "ghostty" || term == "xterm-ghostty" {
            return .known(.kitty, reason: "Ghostty speaks the kitty graphics protocol")
        }
        if program == "iterm.app" {
            return .known(.iterm, reason: "iTerm2 (TERM_PROGRAM)")
        }
        if program == "wezterm" || !environment["WEZTERM_PANE", default: ""].isEmpty {
            return .known(.iterm, reason: "WezTerm draws iTerm2 inline images")
        }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") {
            return .known(.sixel, reason: "TERM=\(term) draws sixel")
        }
        return .ask
    }

    /// The decision from the environment, the terminal's replies (nil when it was not asked) and the
    /// kernel's pixel fields (`TerminalProbe.kernelCellPixels`).
    public static func decide(
        environment: [String: String], replies: TerminalReplies?, kernelCellPixels: CellPixels? = nil,
        terminal: CellSize? = nil
    ) -> GraphicsSupport {
        let cell = cellPixels(replies: replies, kernel: kernelCellPixels, terminal: terminal)
        let registers = min(256, max(1, replies?.colorRegisters ?? 256))
        func support(_ graphics: GraphicsProtocol, _ reason: String) -> GraphicsSupport {
            GraphicsSupport(graphics: graphics, cellPixels: cell, colorRegisters: registers, reason: reason)
        }
        switch environmentHint(environment) {
        case .blocks(let reason):
            return support(.blocks, reason)
        case .known(let graphics, let reason):
            return support(graphics, reason)
        case .tmux:
            let (graphics, reason) = TmuxGraphics.decide(replies: replies)
            return support(graphics, reason)
        case .ask:
            guard let replies else { return support(.blocks, "not asked: no terminal to query") }
            if replies.kittyGraphics {
                return support(.kitty, "the terminal answered the kitty graphics query")
            }
            if replies.sixel {
                return support(.sixel, "DA1 lists sixel (attribute 4)")
            }
            if replies.deviceAttributes == nil {
                return support(.blocks, "no answer to DA1 within the budget")
            }
            return support(.blocks, "the terminal claims no pixel graphics")
        }
    }

    /// The cell size: `CSI 16 t`, else the kernel's pixel fields, else the text area over the cell count,
    /// else the fallback.
    static func cellPixels(replies: TerminalReplies?, kernel: CellPixels?, terminal: CellSize?) -> CellPixels {
        if let reported = replies?.cellPixels {
            return reported
        }
        if let kernel {
            return kernel
        }
        if let area = replies?.textAreaPixels, let terminal, terminal.columns > 0, terminal.rows > 0 {
            return CellPixels(width: area.width / terminal.columns, height: area.height / terminal.rows)
        }
        return .fallback
    }
}
