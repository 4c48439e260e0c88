import Render
import Testing

/// Keys typed while detection reads the terminal's answers are kept for browsing, the answers are not.
@Suite(.serialized)
struct TypedAheadTests {
    @Test func answersAreDroppedAndKeysKeptInOrder() {
        let received =
            "j\u{1B}[?62;4c" + "\u{1B}[6;16;8t" + "q\u{1B}[A" + "\u{1B}P>|tmux 3.3a\u{1B}\\"
            + "\u{1B}]4;1;rgb:cd/00/00\u{07}"
            + "\u{1B}[5~\r\u{1B}[?1;0;256S\u{1B}_Gi=31;OK\u{1B}\\" + "\u{1B}[24;80R\u{1B}"
        #expect(TypedAhead.keys(in: Array(received.utf8)) == Array("jq\u{1B}[A\u{1B}[5~\r\u{1B}".utf8))
    }

    @Test func anAnswerCutOffAtTheEndIsDropped() {
        #expect(TypedAhead.keys(in: Array("k\u{1B}[?62;".utf8)) == Array("k".utf8))
        #expect(TypedAhead.keys(in: Array("k\u{1B}P>|tmux".utf8)) == Array("k".utf8))
    }

    /// Typed between the queries and the answers, a key reaches `take()` once; the answers still decide.
    @Test func detectionKeepsWhatWasTypedMeanwhile() throws {
        _ = TypedAhead.take()
        let fake = try FakeTerminal(reply: Array("l\u{1B}[B\u{1B}[?63;1;2;4;6;9;15;22c".utf8))
        let support = TerminalProbe.detect(
            environment: ["TERM": "xterm-256color"], fileDescriptor: fake.slave, budget: .seconds(1))
        #expect(support.graphics == .sixel)
        #expect(TypedAhead.take() == Array("l\u{1B}[B".utf8))
        #expect(TypedAhead.take().isEmpty)
    }
}
