import GalleryTestSupport
import Render
import Selection
import Testing

@testable import Browse

/// Bytes as terminals send them, and what the parser makes of them.
@Suite struct KeyParserTests {
    let start = ContinuousClock.now

    /// Everything in one read, then the escape timeout passed.
    func keys(_ text: String, timeout: Duration = .milliseconds(50)) -> [KeyEvent] {
        var parser = KeyParser(escapeTimeout: timeout)
        return parser.feed(Array(text.utf8), at: start) + parser.expire(at: start + timeout)
    }

    @Test(arguments: [
        ("\u{1B}[A", KeyEvent.up), ("\u{1B}[B", .down), ("\u{1B}[C", .right), ("\u{1B}[D", .left),
        ("\u{1B}OA", .up), ("\u{1B}OB", .down), ("\u{1B}OC", .right), ("\u{1B}OD", .left),
        ("\u{1B}[1;5A", .up), ("\u{1B}[1;2D", .left),
    ])
    func arrowsInBothCursorModes(_ bytes: String, _ key: KeyEvent) {
        #expect(keys(bytes) == [key])
    }

    @Test(arguments: [
        ("\u{1B}[H", KeyEvent.home), ("\u{1B}OH", .home), ("\u{1B}[1~", .home), ("\u{1B}[7~", .home),
        ("\u{1B}[F", .end), ("\u{1B}OF", .end), ("\u{1B}[4~", .end), ("\u{1B}[8~", .end),
        ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown), ("\u{1B}[5;5~", .pageUp), ("\u{1B}[1;2H", .home),
    ])
    func homeEndAndPagesInEveryCommonEncoding(_ bytes: String, _ key: KeyEvent) {
        #expect(keys(bytes) == [key])
    }

    @Test func lettersEnterAndSpace() {
        #expect(
            keys("hjkl\r\n npisrq?")
                == [
                    .character("h"), .character("j"), .character("k"), .character("l"), .enter, .enter, .space,
                    .character("n"), .character("p"), .character("i"), .character("s"), .character("r"),
                    .character("q"), .character("?"),
                ])
        #expect(keys("\u{1B}OM") == [.enter])
    }

    @Test func loneEscapeOnlyAfterTheTimeout() {
        var parser = KeyParser(escapeTimeout: .milliseconds(40))
        #expect(parser.feed([0x1B], at: start).isEmpty)
        #expect(parser.deadline == start + .milliseconds(40))
        #expect(parser.expire(at: start + .milliseconds(39)).isEmpty)
        #expect(parser.expire(at: start + .milliseconds(40)) == [.escape])
        #expect(parser.deadline == nil)
        #expect(parser.expire(at: start + .seconds(1)).isEmpty)
    }

    @Test func sequenceSplitAcrossReadsIsOneKey() {
        var parser = KeyParser(escapeTimeout: .milliseconds(40))
        #expect(parser.feed([0x1B], at: start).isEmpty)
        #expect(parser.feed(Array("[".utf8), at: start + .milliseconds(10)).isEmpty)
        #expect(parser.feed(Array("6~".utf8), at: start + .milliseconds(20)) == [.pageDown])
    }

    /// Every way of cutting a burst into two reads gives the same keys as one read.
    @Test func everySplitPointGivesTheSameKeys() {
        let burst = Array("\u{1B}[A\u{1B}OBx\u{1B}[<0;12;5M\u{1B}[5~\r\u{1B}[200~pasted q\u{1B}[201~q\u{1B}[1;5C".utf8)
        var whole = KeyParser()
        let expected = whole.feed(burst, at: start)
        #expect(
            expected == [
                .up, .down, .character("x"), .click(CellPosition(row: 4, column: 11)), .pageUp, .enter,
                .character("q"), .right,
            ])
        for cut in 0...burst.count {
            var parser = KeyParser()
            let events = parser.feed(burst[..<cut], at: start) + parser.feed(burst[cut...], at: start)
            #expect(events == expected, "cut at \(cut)")
        }
    }

    @Test func altKeyIsEscapeThenTheKey() {
        #expect(keys("\u{1B}q") == [.escape, .character("q")])
        #expect(keys("\u{1B}\u{1B}[A") == [.escape, .up])
    }

    @Test func sgrMouseReports() {
        #expect(keys("\u{1B}[<0;1;1M") == [.click(CellPosition(row: 0, column: 0))])
        #expect(keys("\u{1B}[<0;80;24m").isEmpty, "a release is not a click")
        #expect(keys("\u{1B}[<16;3;4M") == [.click(CellPosition(row: 3, column: 2))], "ctrl-click is a click")
        #expect(keys("\u{1B}[<2;3;4M").isEmpty, "the right button selects nothing")
        #expect(keys("\u{1B}[<32;3;4M").isEmpty, "motion is not a click")
        #expect(keys("\u{1B}[<64;3;4M\u{1B}[<65;3;4M") == [.wheelUp, .wheelDown])
        #expect(keys("\u{1B}[<0;0;4M\u{1B}[<0;;4M\u{1B}[<0;9999999;4M").isEmpty, "malformed coordinates")
    }

    @Test func terminalRepliesAreNotKeys() {
        let replies =
            "\u{1B}[?62;4c" + "\u{1B}[6;20;10t" + "\u{1B}P>|tmux 3.3a\u{1B}\\" + "\u{1B}]11;rgb:0000/0000/0000\u{07}"
            + "\u{1B}_Gi=31;OK\u{1B}\\" + "\u{1B}[I" + "\u{1B}[15~"
        #expect(keys(replies + "j") == [.character("j")])
    }

    @Test func bracketedPasteIsSkippedWhole() {
        let paste = String(repeating: "q\u{1B}[A\r j", count: 2000)  // 14 KB of keys that must not act
        #expect(keys("k\u{1B}[200~" + paste + "\u{1B}[201~l") == [.character("k"), .character("l")])
    }

    @Test func unbracketedPasteGivesAtMostOneKeyPerByte() {
        let paste = Array(String(repeating: "lorem ipsum ✓ q\t", count: 700).utf8)
        var parser = KeyParser()
        let events = parser.feed(paste, at: start)
        #expect(paste.count > 10_000)
        #expect(events.count <= paste.count)
        #expect(events.filter { $0 == .character("q") }.count == 700)
        #expect(parser.state == .ground)
    }

    @Test func overlongSequenceIsDroppedAndTheNextKeyRead() {
        let long = "\u{1B}[" + String(repeating: "1;", count: 5000) + "A"
        var parser = KeyParser()
        #expect(parser.feed(Array((long + "h").utf8), at: start) == [.character("h")])
        var partial = KeyParser()
        _ = partial.feed(Array(long.utf8.dropLast()), at: start)
        #expect(partial.state == .overlongSequence, "nothing of it is kept")
    }

    /// Random bytes in random-sized reads: no crash, nothing kept past the bound, at most one key per byte.
    @Test func garbageIsConsumedWithBoundedState() {
        var generator = SplitMix64(name: "garbageIsConsumedWithBoundedState")
        var parser = KeyParser()
        var total = 0
        var events = 0
        for _ in 0..<2000 {
            let count = Int(generator.next() % 64)
            let chunk = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            total += count
            events += parser.feed(chunk, at: start).count
            if case .controlSequence(let kept) = parser.state {
                #expect(kept.count <= KeyParser.maximumSequence)
            }
        }
        #expect(events <= total)
        // Whatever the garbage left open (a paste, a string, a sequence) ends, and keys read normally again.
        _ = parser.feed(KeyParser.pasteEnd, at: start + .seconds(1))
        _ = parser.expire(at: start + .seconds(2))
        #expect(parser.feed(Array("j".utf8), at: start + .seconds(3)) == [.character("j")])
    }
}
