import Imaging
import Render
import Testing

struct GraphicsDetectionTests {
    static let base = ["TERM": "xterm-256color"]

    @Test(arguments: [
        (["TERM": "xterm-kitty"], GraphicsProtocol.kitty),
        (["TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"], .kitty),
        (["TERM": "xterm-ghostty"], .kitty),
        (["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"], .iterm),
        (["TERM": "xterm-256color", "WEZTERM_PANE": "0"], .iterm),
        (["TERM": "foot"], .sixel),
        (["TERM": "mlterm"], .sixel),
    ])
    func terminalsThatNameThemselves(environment: [String: String], expected: GraphicsProtocol) {
        guard case .known(let graphics, _) = GraphicsDetection.environmentHint(environment) else {
            Issue.record("expected a known terminal")
            return
        }
        #expect(graphics == expected)
        #expect(GraphicsDetection.decide(environment: environment, replies: nil).graphics == expected)
    }

    /// GNU screen and consoles win over what leaks in from the outer terminal, and are never queried.
    @Test(arguments: [
        ["TERM": "screen", "STY": "123.pts-0.host", "KITTY_WINDOW_ID": "1"],
        ["TERM": "screen-256color", "STY": "123.pts-0.host", "TERM_PROGRAM": "iTerm.app"],
        ["TERM": "linux"], ["TERM": "dumb"], [:],
    ])
    func halfBlocksWithoutAsking(environment: [String: String]) {
        guard case .blocks = GraphicsDetection.environmentHint(environment) else {
            Issue.record("expected blocks for \(environment)")
            return
        }
        let replies = TerminalReplies(parsing: Array("\u{1b}_Gi=31;OK\u{1b}\\\u{1b}[?62;4c".utf8))
        #expect(GraphicsDetection.decide(environment: environment, replies: replies).graphics == .blocks)
    }

    /// tmux wins over what leaks in from the outer terminal: tmux itself is asked, and what the outer
    /// terminal could do does not count.
    @Test(arguments: [
        ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"],
        ["TERM": "screen-256color", "TMUX": "/tmp/tmux-0/default,1,0", "TERM_PROGRAM": "iTerm.app"],
        ["TERM": "tmux-256color"],
    ])
    func tmuxIsAskedItself(environment: [String: String]) {
        #expect(GraphicsDetection.environmentHint(environment) == .tmux)
        #expect(GraphicsDetection.queries(for: .tmux) == GraphicsDetection.tmuxQueries)
        let kittyOutside = TerminalReplies(parsing: Array("\u{1b}_Gi=31;OK\u{1b}\\\u{1b}[?62;4c".utf8))
        #expect(GraphicsDetection.decide(environment: environment, replies: kittyOutside).graphics == .blocks)
    }

    @Test(arguments: [
        ("tmux 3.3a", "?1;2c", GraphicsProtocol.blocks, "inside tmux 3.3a: before 3.4"),
        ("tmux 3.3a", "?1;2;4c", .blocks, "inside tmux 3.3a: before 3.4"),
        ("tmux 3.2", "?1;2c", .blocks, "inside tmux 3.2: before 3.4"),
        ("tmux 3.4", "?1;2;4c", .sixel, "tmux 3.4 draws sixel itself (its DA1 lists 4)"),
        ("tmux next-3.5", "?1;2;4c", .sixel, "tmux 3.5 draws sixel itself"),
        ("tmux 3.5a", "?1;2c", .blocks, "tmux 3.5a was built without sixel"),
        ("tmux master", "?1;2;4c", .blocks, "inside tmux, which did not say its version"),
    ])
    func tmuxVersionAndItsDA1Decide(version: String, da1: String, expected: GraphicsProtocol, reason: String) {
        let replies = TerminalReplies(parsing: Array("\u{1b}P>|\(version)\u{1b}\\\u{1b}[\(da1)".utf8))
        #expect(replies.terminalVersion == version)
        let support = GraphicsDetection.decide(environment: ["TMUX": "/tmp/x,1,0"], replies: replies)
        #expect(support.graphics == expected)
        #expect(support.reason.hasPrefix(reason), "\(support.reason)")
    }

    @Test func tmuxVersionsCompare() {
        #expect(TmuxVersion(xtversion: "tmux 3.3a") == TmuxVersion(major: 3, minor: 3, patch: "a"))
        #expect(TmuxVersion(xtversion: "tmux 3.3a")! < TmuxGraphics.nativeSixelVersion)
        #expect(TmuxVersion(xtversion: "tmux 3.10")! > TmuxVersion(major: 3, minor: 4))
        #expect(TmuxVersion(xtversion: "XTerm(388)") == nil)
        #expect(TmuxVersion(xtversion: "tmux ") == nil)
    }

    @Test func xtermLikeRepliesMeanSixel() {
        let bytes = Array("\u{1b}[?1;0;1024S\u{1b}[6;17;8t\u{1b}[4;408;640t\u{1b}[?63;1;2;4;6;9;15;22c".utf8)
        let replies = TerminalReplies(parsing: bytes)
        #expect(replies.deviceAttributes == [63, 1, 2, 4, 6, 9, 15, 22])
        #expect(replies.colorRegisters == 1024)
        #expect(replies.cellPixels == CellPixels(width: 8, height: 17))
        #expect(replies.textAreaPixels == PixelSize(width: 640, height: 408))
        let support = GraphicsDetection.decide(environment: Self.base, replies: replies)
        #expect(support.graphics == .sixel)
        #expect(support.colorRegisters == 256)
        #expect(support.cellPixels == CellPixels(width: 8, height: 17))
    }

    @Test func kittyReplyWinsOverSixel() {
        let replies = TerminalReplies(parsing: Array("\u{1b}_Gi=31;OK\u{1b}\\\u{1b}[?62;4;c".utf8))
        #expect(replies.kittyGraphics)
        #expect(GraphicsDetection.decide(environment: Self.base, replies: replies).graphics == .kitty)
    }

    @Test func kittyErrorIsNotSupport() {
        let replies = TerminalReplies(parsing: Array("\u{1b}_Gi=31;EINVAL:bad\u{1b}\\\u{1b}[?62;c".utf8))
        #expect(!replies.kittyGraphics)
        #expect(GraphicsDetection.decide(environment: Self.base, replies: replies).graphics == .blocks)
    }

    @Test func silenceAndRefusalFallBackToBlocks() {
        #expect(GraphicsDetection.decide(environment: Self.base, replies: TerminalReplies()).graphics == .blocks)
        let plain = TerminalReplies(parsing: Array("\u{1b}[?1;2c".utf8))
        #expect(GraphicsDetection.decide(environment: Self.base, replies: plain).graphics == .blocks)
        #expect(GraphicsDetection.decide(environment: Self.base, replies: nil).graphics == .blocks)
    }

    @Test func cellSizeFallsBackThroughKernelAndTextArea() {
        let area = TerminalReplies(parsing: Array("\u{1b}[4;480;800t\u{1b}[?62;4c".utf8))
        let terminal = CellSize(columns: 80, rows: 24)
        #expect(
            GraphicsDetection.decide(environment: Self.base, replies: area, terminal: terminal).cellPixels
                == CellPixels(width: 10, height: 20))
        #expect(
            GraphicsDetection.decide(
                environment: Self.base, replies: area, kernelCellPixels: CellPixels(width: 7, height: 15),
                terminal: terminal
            ).cellPixels == CellPixels(width: 7, height: 15))
        #expect(GraphicsDetection.decide(environment: Self.base, replies: nil).cellPixels == .fallback)
    }

    @Test func strayKeystrokesAndPartialRepliesAreIgnored() {
        let replies = TerminalReplies(parsing: Array("ab\u{1b}[6;20;10tq\u{1b}[?62;4".utf8))
        #expect(replies.cellPixels == CellPixels(width: 10, height: 20))
        #expect(replies.deviceAttributes == nil)
    }

    @Test func supportBuildsTheMatchingEncoder() {
        let cell = CellPixels(width: 8, height: 16)
        let sixel = GraphicsSupport(graphics: .sixel, cellPixels: cell, colorRegisters: 16, reason: "")
        #expect((sixel.encoder(colors: .trueColor) as? SixelEncoder)?.colorRegisters == 16)
        let kitty = GraphicsSupport(graphics: .kitty, cellPixels: cell, colorRegisters: 256, reason: "")
        #expect((kitty.encoder(colors: .trueColor, kittyIDBase: 9) as? KittyEncoder)?.imageIDBase == 9)
        #expect(
            kitty.encoder(colors: .trueColor).pixelBox(for: CellSize(columns: 2, rows: 2))
                == PixelSize(width: 16, height: 32))
    }

    @Test func queriesEndWithDA1() {
        let text = String(decoding: GraphicsDetection.queries, as: UTF8.self)
        #expect(text.hasPrefix("\u{1b}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1b}\\"))
        #expect(text.hasSuffix("\u{1b}[c"))
        let tmux = String(decoding: GraphicsDetection.tmuxQueries, as: UTF8.self)
        #expect(tmux.hasPrefix("\u{1b}[>0q"))
        #expect(tmux.hasSuffix("\u{1b}[c"))
        #expect(!tmux.contains("\u{1b}_"), "tmux would take an APC string for a pane title")
    }
}
